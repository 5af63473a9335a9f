import type { CreateTemplateInput, TemplateDetailView, TemplateMediaSample } from '@crm/contracts/browser';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { http } from '../../api/http';

export const templateKeys = { details: ['templates', 'details'] as const };

const PATH = '/crm/marketing/automation/templates';

export function useTemplateDetails() {
  return useQuery({
    queryKey: templateKeys.details,
    queryFn: ({ signal }) => http<TemplateDetailView[]>(`${PATH}/details`, { signal }),
  });
}

/** Syncs the templates from Meta now. */
export function useRefreshTemplateDetails() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => http<TemplateDetailView[]>(`${PATH}/details`, { query: { refresh: true } }),
    onSuccess: (templates) => queryClient.setQueryData(templateKeys.details, templates),
  });
}

/** Submits a template to Meta for review; Meta's validation errors come back as a 422 with Meta's message. */
export function useCreateTemplate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: CreateTemplateInput) =>
      http<TemplateDetailView>(PATH, { method: 'POST', body: input }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: templateKeys.details }),
  });
}

/**
 * Uploads a media header's sample (the file itself, with its type) to Meta through the gateway; answers Meta's handle,
 * which the template takes as `header.exampleHandle`.
 */
export function useUploadTemplateMediaSample() {
  return useMutation({
    mutationFn: (file: File) =>
      http<TemplateMediaSample>(`${PATH}/media-samples`, {
        method: 'POST',
        body: file,
        contentType: file.type,
        query: { fileName: file.name },
      }),
  });
}
