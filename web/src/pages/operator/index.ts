export { OrganisationsPage } from './OrganisationsPage.js';
