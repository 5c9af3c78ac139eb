import { Body1 } from '@fluentui/react-components';
import { AppLink, PageHeader } from '../components';

export function NotFoundPage() {
  return (
    <>
      <PageHeader title="Page not found" />
      <Body1 as="p">
        There is no page at this address. <AppLink to="/">Go to your start page</AppLink>.
      </Body1>
    </>
  );
}

/** A signed-in user whom no organisation has taken in yet (and who is not an operator). */
export function NoOrganisation() {
  return (
    <>
      <PageHeader title="No organisation yet" />
      <Body1 as="p">
        Your account is not a member of any organisation. Ask your Preflight operator or your
        organisation&apos;s administrator to add you, then sign in again.
      </Body1>
    </>
  );
}
