import type {
  ChatFilter,
  ChatMessageView,
  ChatPage,
  ChatThread,
  ChatView,
  LeadView,
  TemplateView,
  UserView,
} from '@crm/contracts/browser';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { http } from '../../api/http';

/** The inbox polls: a contact's message or a delivery status shows within a few seconds. */
export const CHAT_POLL_MS = 4000;

export const chatKeys = {
  all: ['chats'] as const,
  list: (filter: ChatFilter) => ['chats', 'list', filter] as const,
  thread: (leadId: string) => ['chats', 'thread', leadId] as const,
  templates: ['chats', 'templates'] as const,
};

/** Conversations, latest first; further (older) pages on demand. Polling refreshes every loaded page. */
export function useChats(filter: ChatFilter) {
  return useInfiniteQuery({
    queryKey: chatKeys.list(filter),
    queryFn: ({ signal, pageParam }) =>
      http<ChatPage>('/crm/chats', { query: { filter, pageSize: 30, cursor: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: CHAT_POLL_MS,
  });
}

/** The latest messages of a conversation; older pages on demand (`fetchNextPage`). */
export function useChatThread(leadId: string | null) {
  return useInfiniteQuery({
    queryKey: chatKeys.thread(leadId ?? ''),
    queryFn: ({ signal, pageParam }) =>
      http<ChatThread>(`/crm/chats/${leadId}/messages`, { query: { before: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.olderCursor ?? undefined,
    enabled: leadId !== null,
    refetchInterval: CHAT_POLL_MS,
  });
}

/** Approved templates, for writing outside the window. */
export function useChatTemplates(enabled: boolean) {
  return useQuery({
    queryKey: chatKeys.templates,
    queryFn: ({ signal }) => http<TemplateView[]>('/crm/chats/templates', { signal }),
    enabled,
    staleTime: 5 * 60 * 1000,
  });
}

export function useMarkChatRead() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (leadId: string) => http<ChatView>(`/crm/chats/${leadId}/read`, { method: 'POST', body: {} }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['chats', 'list'] }),
  });
}

export type OutgoingMessage = {
  /** Chosen once per draft: a retry of the same draft never sends twice. */
  messageId: string;
  text?: string;
  template?: { name: string; language: string; parameters: string[] };
};

export function useSendChatMessage(leadId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (message: OutgoingMessage) =>
      http<ChatMessageView>(`/crm/chats/${leadId}/messages`, { method: 'POST', body: message }),
    onSettled: () => void client.invalidateQueries({ queryKey: chatKeys.all }),
  });
}

/** Active users a conversation can be given to (ceo and professional may list users). */
export function useAssignableUsers(enabled: boolean) {
  return useQuery({
    queryKey: ['chats', 'assignable-users'] as const,
    queryFn: ({ signal }) => http<UserView[]>('/crm/users', { signal }),
    enabled,
    staleTime: 60 * 1000,
    select: (users) => users.filter((user) => user.active),
  });
}

/** A conversation's seller is its lead's: reassigning goes through the lead. */
export function useReassignChat(leadId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (assignedUserId: string | null) =>
      http<LeadView>(`/crm/leads/${leadId}`, { method: 'PATCH', body: { assignedUserId } }),
    onSettled: () => void client.invalidateQueries({ queryKey: chatKeys.all }),
  });
}
