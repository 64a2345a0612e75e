// Settings: which of my lines pop a card, and desktop notifications (with the browser permission).
import { useState } from 'preact/hooks';
import type { Me, SettingsBody } from '../../../src/shared/api.ts';
import { api, errorText } from '../api.ts';
import { Checkbox } from '../components/page-parts.tsx';
import { lineLabel } from '../lib/card-text.ts';
import { notificationsSupported } from '../notifications.ts';

type Permission = NotificationPermission | 'unsupported';
const currentPermission = (): Permission =>
  notificationsSupported() ? Notification.permission : 'unsupported';

const PERMISSION_TEXT: Record<Permission, string> = {
  granted: 'This browser may show notifications.',
  default: 'This browser has not been asked yet.',
  denied: 'This browser blocks notifications for screenpop; allow them in the site settings.',
  unsupported: 'This browser does not support desktop notifications.',
};

export function SettingsPage(props: { me: Me; onMeChange: (me: Me) => void }) {
  const { me } = props;
  const [allLines, setAllLines] = useState(me.popLines === null);
  const [chosen, setChosen] = useState<ReadonlySet<string>>(
    () => new Set(me.popLines ?? me.lines.map((l) => l.id)),
  );
  const [notify, setNotify] = useState(me.desktopNotifications);
  const [permission, setPermission] = useState<Permission>(currentPermission);
  const [state, setState] = useState<{ kind: 'idle' | 'saving' | 'saved' } | { kind: 'error'; text: string }>(
    {
      kind: 'idle',
    },
  );

  /** Any edit clears the last "Saved" or error. */
  const edited =
    (set: (on: boolean) => void) =>
    (on: boolean): void => {
      set(on);
      setState({ kind: 'idle' });
    };
  const toggle = (id: string, on: boolean): void => {
    const next = new Set(chosen);
    if (on) {
      next.add(id);
    } else {
      next.delete(id);
    }
    setChosen(next);
  };
  const ask = async (): Promise<void> => {
    if (notificationsSupported()) {
      setPermission(await Notification.requestPermission());
    }
  };
  const save = async (e: Event): Promise<void> => {
    e.preventDefault();
    setState({ kind: 'saving' });
    try {
      const body: SettingsBody = {
        popLines: allLines ? null : me.lines.map((l) => l.id).filter((id) => chosen.has(id)),
        desktopNotifications: notify,
      };
      props.onMeChange(await api<Me>('PUT', '/api/me/settings', body));
      setState({ kind: 'saved' });
    } catch (err) {
      setState({ kind: 'error', text: errorText(err) });
    }
  };

  return (
    <form class="settings" onSubmit={(e) => void save(e)}>
      <h1>Settings</h1>
      <fieldset>
        <legend>Lines that pop a card</legend>
        <Checkbox testid="settings-all-lines" checked={allLines} onChange={edited(setAllLines)}>
          All my lines, including lines added later
        </Checkbox>
        {me.lines.length === 0 && <p class="muted">No lines are assigned to you in GoTo Connect.</p>}
        {!allLines && chosen.size === 0 && me.lines.length > 0 && (
          <p class="error" data-testid="settings-no-lines">
            No line chosen: no call will pop a card for you.
          </p>
        )}
        <ul class="line-list">
          {me.lines.map((l) => (
            <li key={l.id}>
              <Checkbox
                testid={`settings-line-${l.id}`}
                disabled={allLines}
                checked={allLines || chosen.has(l.id)}
                onChange={edited((on) => toggle(l.id, on))}
              >
                {lineLabel({ lineId: l.id, name: l.name, extension: l.extension })}
              </Checkbox>
            </li>
          ))}
        </ul>
      </fieldset>
      <fieldset>
        <legend>Desktop notifications</legend>
        <Checkbox testid="settings-notifications" checked={notify} onChange={edited(setNotify)}>
          Notify me when a call rings while screenpop is in the background
        </Checkbox>
        <p class="muted" data-testid="settings-permission" data-permission={permission}>
          {PERMISSION_TEXT[permission]}
        </p>
        {permission === 'default' && (
          <button
            type="button"
            class="button secondary"
            data-testid="settings-grant-permission"
            onClick={() => void ask()}
          >
            Allow notifications in this browser
          </button>
        )}
      </fieldset>
      <div class="row">
        <button type="submit" class="button" data-testid="settings-save" disabled={state.kind === 'saving'}>
          {state.kind === 'saving' ? 'Saving…' : 'Save settings'}
        </button>
        {state.kind === 'saved' && (
          <span class="saved" role="status" data-testid="settings-status">
            ✓ Saved
          </span>
        )}
        {state.kind === 'error' && (
          <span class="error" role="alert" data-testid="settings-status">
            {state.text}
          </span>
        )}
      </div>
    </form>
  );
}
