import { LEAD_STATUSES, type LeadStatus } from '@crm/contracts';

/** Spanish labels of the seeded pipeline (the UI translates the keys; these are the tenant's own names). */
export const PIPELINE_LABELS: Record<LeadStatus, string> = {
  nuevo: 'Nuevo',
  contactado: 'Contactado',
  calificado: 'Calificado',
  llamada_agendada: 'Llamada agendada',
  negociacion: 'Negociación',
  cerrado_ganado: 'Cerrado ganado',
  cerrado_perdido: 'Cerrado perdido',
};

export const DEFAULT_PIPELINE = LEAD_STATUSES.map((key, index) => ({
  key,
  position: index + 1,
  label: PIPELINE_LABELS[key],
}));
