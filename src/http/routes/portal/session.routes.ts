import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { completeSetup, setupNeeded } from '../../../services/setup.js';
import {
  changePassword,
  sessionState,
  signIn,
  signOut,
  switchOrganisation,
  type SignedIn,
} from '../../../services/sessions.js';
import { portalOf, refuseCrossSite, sessionCookie } from '../../access/route-access.js';
import type { ApiContext } from '../../context.js';
import type {
  ChangePasswordRequest,
  SetupRequest,
  SignInRequest,
  SwitchOrganisationRequest,
} from '../../../services/portal/contract.js';
import { sessionInfoOf, sessionInfoSchema } from './session.present.js';

const email = Type.String({ minLength: 1, maxLength: 320 });
// Long enough for any passphrase; the services refuse more than they hash.
const password = Type.String({ minLength: 1, maxLength: 4096 });
const wire = 'preflight' as const;

/**
 * Signing in and out, the session itself, password changes and the first-run setup.
 * Sign-in and setup are public but refuse requests sent by other sites, and are limited
 * per source address (each costs a slow hash).
 */
export function portalSessionRoutes(context: ApiContext) {
  const { deps, limits } = context;
  const perAddress = { max: limits.signInsPerMinute, timeWindow: 60_000 };

  const setSessionCookie = (request: FastifyRequest, reply: FastifyReply, signedIn: SignedIn) => {
    // No Expires: the cookie dies with the browser; the server ends the session anyway
    // after 12 hours, or 30 minutes without use.
    void reply.setCookie(sessionCookie, signedIn.token, {
      httpOnly: true,
      sameSite: 'strict',
      path: '/',
      secure: request.protocol === 'https' || deps.settings.publicUrl.startsWith('https:'),
    });
  };

  return async (app: FastifyInstance): Promise<void> => {
    app.post<{ Body: SignInRequest }>(
      '/sign-in',
      {
        config: { access: { kind: 'public' }, wire, rateLimit: perAddress },
        schema: {
          summary: 'Sign in to the portal (sets the session cookie)',
          tags: ['portal'],
          body: Type.Object({ email, password }),
          response: { 200: sessionInfoSchema },
        },
      },
      async (request, reply) => {
        refuseCrossSite(request, deps.settings.publicUrl);
        const signedIn = await signIn(deps, request.body);
        setSessionCookie(request, reply, signedIn);
        return sessionInfoOf(signedIn.session);
      },
    );

    app.post(
      '/sign-out',
      {
        config: { access: { kind: 'session', who: 'anyone' }, wire },
        schema: { summary: 'Sign out (ends the session)', tags: ['portal'] },
      },
      async (request, reply) => {
        await signOut(deps, portalOf(request).sessionId);
        void reply.clearCookie(sessionCookie, { path: '/' });
        return reply.status(204).send();
      },
    );

    app.get(
      '/session',
      {
        config: { access: { kind: 'session', who: 'anyone' }, wire },
        schema: {
          summary: 'The signed-in user, their organisations and the CSRF token',
          tags: ['portal'],
          response: { 200: sessionInfoSchema },
        },
      },
      async (request) => sessionInfoOf(await sessionState(deps, portalOf(request).sessionId)),
    );

    app.post<{ Body: SwitchOrganisationRequest }>(
      '/session/organisation',
      {
        config: { access: { kind: 'session', who: 'anyone' }, wire },
        schema: {
          summary: 'Act for another of your organisations',
          tags: ['portal'],
          body: Type.Object({ orgId: Type.String({ minLength: 1, maxLength: 64 }) }),
          response: { 200: sessionInfoSchema },
        },
      },
      async (request) => {
        const portal = portalOf(request);
        const state = await switchOrganisation(
          deps,
          { sessionId: portal.sessionId, userId: portal.user.id },
          request.body.orgId,
        );
        return sessionInfoOf(state);
      },
    );

    app.post<{ Body: ChangePasswordRequest }>(
      '/password',
      {
        config: { access: { kind: 'session', who: 'anyone' }, wire },
        schema: {
          summary: 'Change your password (ends your other sessions)',
          tags: ['portal'],
          body: Type.Object({ currentPassword: password, newPassword: password }),
        },
      },
      async (request, reply) => {
        const portal = portalOf(request);
        await changePassword(
          deps,
          portal.actor,
          { sessionId: portal.sessionId, userId: portal.user.id },
          request.body,
        );
        return reply.status(204).send();
      },
    );

    app.get(
      '/setup',
      {
        config: { access: { kind: 'public' }, wire },
        schema: {
          summary: 'Whether the first operator still has to be created',
          tags: ['portal'],
          response: { 200: Type.Object({ needed: Type.Boolean() }) },
        },
      },
      async () => ({ needed: await setupNeeded(deps) }),
    );

    app.post<{ Body: SetupRequest }>(
      '/setup',
      {
        config: { access: { kind: 'public' }, wire, rateLimit: perAddress },
        schema: {
          summary: 'Create the first operator with the one-time setup link (signs in)',
          tags: ['portal'],
          body: Type.Object({
            token: Type.String({ minLength: 1, maxLength: 200 }),
            email,
            password,
          }),
          response: { 200: sessionInfoSchema },
        },
      },
      async (request, reply) => {
        refuseCrossSite(request, deps.settings.publicUrl);
        const signedIn = await completeSetup(deps, request.body);
        setSessionCookie(request, reply, signedIn);
        return sessionInfoOf(signedIn.session);
      },
    );
  };
}
