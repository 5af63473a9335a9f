import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { AllDevicesIcon } from '../../components/icons';
import { ConfirmDialog } from '../settings/confirm-dialog';
import { useLogoutEverywhere } from './session';

/**
 * "Log out of all devices": asks first, then ends every session of the user and goes to the login page. In the
 * header it is an icon on a phone; `labelled` (the sessions page) always shows its text.
 */
export function LogoutEverywhereButton({ labelled = false }: { labelled?: boolean }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const logoutEverywhere = useLogoutEverywhere();
  const [asking, setAsking] = useState(false);
  const label = t('header.logoutEverywhere');

  const confirm = () => {
    logoutEverywhere.mutate(undefined, {
      onSuccess: () => void navigate('/login', { replace: true }),
    });
  };

  return (
    <>
      <button
        type="button"
        data-testid="logout-everywhere"
        onClick={() => setAsking(true)}
        aria-label={label}
        title={label}
        className="btn-secondary"
      >
        <AllDevicesIcon aria-hidden="true" size={16} />
        {/* Icon only on a phone: the header keeps to one or two lines at 390 px. Labelled, the text may wrap on a
            phone: its lines start beside the icon rather than centred away from it. */}
        <span className={labelled ? 'text-left' : 'hidden lg:inline'}>{label}</span>
      </button>
      {asking ? (
        <ConfirmDialog
          title={t('header.logoutEverywhereTitle')}
          body={
            logoutEverywhere.isError ? t('header.logoutEverywhereFailed') : t('header.logoutEverywhereBody')
          }
          confirmLabel={t('header.logoutEverywhereConfirm')}
          danger
          busy={logoutEverywhere.isPending}
          testId="logout-everywhere-dialog"
          onConfirm={confirm}
          onCancel={() => {
            logoutEverywhere.reset();
            setAsking(false);
          }}
        />
      ) : null}
    </>
  );
}
