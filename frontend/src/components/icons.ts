/**
 * The app's icons (lucide-react, tree-shaken SVGs that take `currentColor`). Pages import them from here, by role,
 * so the same thing always has the same picture. Size with `size` (16 in tables and buttons, 18 in the nav) and leave
 * them `aria-hidden` (lucide's default) next to a text label; an icon-only button needs an `aria-label`.
 */
export {
  ArrowRight as ArrowRightIcon,
  BriefcaseBusiness as SellersIcon,
  CalendarDays as AgendaIcon,
  Check as CheckIcon,
  ChevronLeft as ChevronLeftIcon,
  ChevronRight as ChevronRightIcon,
  ChevronRight as ExpandIcon,
  Inbox as EmptyIcon,
  KanbanSquare as OpportunitiesIcon,
  LayoutDashboard as DashboardIcon,
  LogOut as LogoutIcon,
  Megaphone as MarketingIcon,
  RefreshCw as RefreshIcon,
  TriangleAlert as WarningIcon,
  Users as LeadsIcon,
  X as CloseIcon,
  UserCheck as ClientsIcon,
  Zap as AutomationIcon,
  // chats
  MessageCircle as ChatsIcon,
  ArrowLeft as BackIcon,
  Send as SendIcon,
  Clock as QueuedIcon,
  CheckCheck as DeliveredIcon,
  CircleAlert as FailedIcon,
  CircleHelp as UnknownIcon,
} from 'lucide-react';
export type { LucideIcon as Icon } from 'lucide-react';
