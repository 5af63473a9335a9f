import { DEFAULT_SEND_WINDOW, type ProtectionSettingsView } from '@crm/contracts/browser';
import type { ProtectionChanges } from './settings-api';

/** The API's bounds (`UpdateProtectionSettingsRequest`). */
export const MAX_PER_CONTACT = 100;
export const MAX_CAP_HOURS = 720;

/** What the section edits: the numbers as typed, and the tenant's own window when it has one. */
export type ProtectionForm = {
  perContact: string;
  capHours: string;
  ownWindow: boolean;
  window: { days: number[]; start: string; end: string };
};

export type ProtectionProblem = 'perContact' | 'capHours' | 'windowDays';

export function protectionFormOf(view: ProtectionSettingsView): ProtectionForm {
  const window = view.sendWindow ?? view.defaultSendWindow ?? DEFAULT_SEND_WINDOW;
  return {
    perContact: String(view.marketingPerContact),
    capHours: String(view.capHours),
    ownWindow: view.sendWindow !== null,
    window: { days: [...window.days], start: window.start, end: window.end },
  };
}

const wholeIn = (text: string, max: number): number | null => {
  const value = Number(text.trim());
  return text.trim() !== '' && Number.isInteger(value) && value >= 1 && value <= max ? value : null;
};

/** The PATCH body, or what is wrong with the form (the API checks again and may still refuse with a message). */
export function protectionChanges(
  form: ProtectionForm,
): { changes: ProtectionChanges; problems?: never } | { changes?: never; problems: ProtectionProblem[] } {
  const perContact = wholeIn(form.perContact, MAX_PER_CONTACT);
  const capHours = wholeIn(form.capHours, MAX_CAP_HOURS);
  const problems: ProtectionProblem[] = [];
  if (perContact === null) problems.push('perContact');
  if (capHours === null) problems.push('capHours');
  if (form.ownWindow && form.window.days.length === 0) problems.push('windowDays');
  if (perContact === null || capHours === null || problems.length > 0) return { problems };
  return {
    changes: {
      marketingPerContact: perContact,
      capHours,
      sendWindow: form.ownWindow
        ? {
            days: [...form.window.days].sort((a, b) => a - b),
            start: form.window.start,
            end: form.window.end,
          }
        : null,
    },
  };
}
