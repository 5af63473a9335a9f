const escapeHtml = (value: string): string =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const SCOPE_LABELS: Record<string, string> = {
  business_management: 'Manage your business portfolios',
  ads_read: 'Read your ad accounts and ad performance',
  ads_management: 'Manage your ads',
  leads_retrieval: 'Access leads for your Pages',
  pages_show_list: 'Show a list of the Pages you manage',
  pages_read_engagement: 'Read content posted on the Page',
  pages_manage_metadata: 'Manage accounts, settings and webhooks for a Page',
  pages_manage_ads: 'Manage ads for the Pages you manage',
  whatsapp_business_management: 'Manage your WhatsApp accounts',
  whatsapp_business_messaging: 'Send WhatsApp messages',
  email: 'Your email address',
  public_profile: 'Your name and profile picture',
};

const layout = (title: string, content: string): string => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  body { font-family: Helvetica, Arial, sans-serif; background: #f0f2f5; margin: 0; }
  .card { max-width: 420px; margin: 48px auto; background: #fff; border-radius: 8px; padding: 24px; box-shadow: 0 2px 8px rgba(0,0,0,.15); }
  .banner { background: #fff3cd; color: #664d03; font-size: 12px; padding: 6px 10px; border-radius: 4px; margin-bottom: 16px; }
  h1 { font-size: 20px; margin: 0 0 8px; }
  ul { padding-left: 20px; color: #444; }
  .actions { display: flex; gap: 12px; margin-top: 24px; }
  .actions a { flex: 1; text-align: center; padding: 10px; border-radius: 6px; text-decoration: none; font-weight: bold; }
  #sandbox-consent-continue { background: #1877f2; color: #fff; }
  #sandbox-consent-cancel { background: #e4e6eb; color: #050505; }
</style>
</head>
<body><div class="card"><div class="banner">Meta sandbox — simulated Facebook Login</div>${content}</div></body>
</html>`;

export type ConsentPageInput = {
  appName: string;
  userName: string;
  scopes: string[];
  continueUrl: string;
  cancelUrl: string;
};

/** Facebook Login for Business consent screen: app, user, permissions, Continue / Cancel. */
export const renderConsentPage = (input: ConsentPageInput): string =>
  layout(
    `Log in with Facebook — ${input.appName}`,
    `<h1 id="sandbox-consent-title">${escapeHtml(input.appName)} is requesting access</h1>
<p id="sandbox-consent-user">Continue as <strong>${escapeHtml(input.userName)}</strong>?</p>
<p>${escapeHtml(input.appName)} will receive:</p>
<ul id="sandbox-consent-scopes">
${input.scopes.map((s) => `  <li data-scope="${escapeHtml(s)}"><code>${escapeHtml(s)}</code> — ${escapeHtml(SCOPE_LABELS[s] ?? s)}</li>`).join('\n')}
</ul>
<div class="actions">
  <a id="sandbox-consent-cancel" href="${escapeHtml(input.cancelUrl)}">Cancel</a>
  <a id="sandbox-consent-continue" href="${escapeHtml(input.continueUrl)}">Continue</a>
</div>`,
  );

export const renderErrorPage = (title: string, message: string): string =>
  layout(
    title,
    `<h1 id="sandbox-error-title">${escapeHtml(title)}</h1><p id="sandbox-error-message">${escapeHtml(message)}</p>`,
  );
