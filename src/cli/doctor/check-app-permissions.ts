import { ok, problem, type DoctorCheck } from "./doctor-check.js";
import { accessCovers, accessLabel, eventLabel, permissionLabel } from "./github-labels.js";
import type { AppRequirements } from "./read-app-manifest.js";

/** The parts of `GET /app` compared with app.yml. */
export interface AppGrants {
  permissions: Record<string, string | undefined>;
  events: string[];
}

/**
 * What the registered App lacks of app.yml, one problem per permission or event. The setup page
 * registers from app.yml, but an App made by hand, or one registered by an older version, may
 * lack an event, and GitHub then never sends it: nothing in the App's own log would say so.
 */
export function checkAppPermissions(
  app: AppGrants,
  needed: AppRequirements,
  settingsUrl: string,
): DoctorCheck[] {
  const where = `In the App's settings (${settingsUrl}) → Permissions & events:`;
  const checks: DoctorCheck[] = [];
  for (const [name, access] of Object.entries(needed.permissions)) {
    const granted = app.permissions[name];
    if (accessCovers(granted, access)) continue;
    checks.push(
      problem(
        granted === undefined
          ? `the App lacks the ${name} permission (app.yml asks for ${access})`
          : `the App has ${name}: ${granted}, app.yml asks for ${access}`,
        `${where} set ${permissionLabel(name)} to "${accessLabel(access)}", and save; each installation's owner then accepts the change`,
      ),
    );
  }
  for (const event of needed.events) {
    if (app.events.includes(event)) continue;
    checks.push(
      problem(
        `the App is not subscribed to the ${event} event, so GitHub never sends it`,
        `${where} subscribe to events → "${eventLabel(event)}", and save`,
      ),
    );
  }
  if (checks.length === 0) {
    checks.push(
      ok(
        `the App has the permissions and events app.yml asks for (${Object.keys(needed.permissions).length} permissions, ${needed.events.length} events)`,
      ),
    );
  }
  return checks;
}
