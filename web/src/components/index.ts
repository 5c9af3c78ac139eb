// The building blocks every page shares (loading, empty and error states, paging).
export { useApi } from './useApi';
export type { ApiResource } from './useApi';
export { ProblemAlert } from './ProblemAlert';
export type { ProblemAlertProps } from './ProblemAlert';
export { EmptyState } from './EmptyState';
export { Loading } from './Loading';
export { Pager } from './Pager';
export type { PagerProps } from './Pager';
export { PageHeader } from './PageHeader';
export { AppLink } from './AppLink';
export {
  ProfileStatusBadge,
  profileStatusLabels,
  RelationshipStatusBadge,
  BatchStatusBadge,
} from './badges';
export { formatActor, formatDateTime, formatCount } from './format';
