/** The parts of `GET /app` that say where the App's settings page is. */
export interface AppLocation {
  slug?: string | undefined;
  html_url: string;
  owner: { login?: string | undefined; type?: string | undefined } | null;
}

/**
 * Where an admin edits the App: under the organisation for an organisation-owned App, under the
 * user's settings otherwise. The host comes from the App's own `html_url`, which is github.com or
 * the GitHub Enterprise Server the App lives on (GHE_HOST).
 */
export function appSettingsUrl(app: AppLocation): string {
  const url = new URL(app.html_url);
  const slug = app.slug ?? url.pathname.split("/").filter(Boolean).pop() ?? "";
  const owner = app.owner;
  return owner?.type === "Organization" && owner.login
    ? `${url.origin}/organizations/${owner.login}/settings/apps/${slug}`
    : `${url.origin}/settings/apps/${slug}`;
}
