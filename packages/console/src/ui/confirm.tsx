import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { errorText } from './format.js';

/** Props of {@link ConfirmButton}. */
export interface ConfirmButtonProps {
  /** The button's text, e.g. "Roll back". */
  readonly label: string;
  /** The dialog's title. */
  readonly title: string;
  /** What will change, shown before the user confirms. */
  readonly children: ComponentChildren;
  /** A reason field (required when `reasonRequired`); its text goes to the action. */
  readonly reason?: 'required' | 'optional';
  readonly danger?: boolean;
  readonly disabled?: boolean;
  /** Runs the action; a rejection is shown in the dialog, which stays open. */
  readonly onConfirm: (reason: string) => Promise<unknown>;
}

/** A button that opens a modal dialog saying what changes, with an optional reason, before acting. */
export function ConfirmButton(props: ConfirmButtonProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (open) dialog.current?.showModal();
    else dialog.current?.close();
  }, [open]);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (props.reason === 'required' && reason.trim() === '') return setError('A reason is required.');
    setBusy(true);
    setError(null);
    try {
      await props.onConfirm(reason.trim());
      setOpen(false);
      setReason('');
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" class={props.danger ? 'danger' : ''} disabled={props.disabled} onClick={() => setOpen(true)}>
        {props.label}
      </button>
      <dialog ref={dialog} onClose={() => setOpen(false)} aria-label={props.title}>
        <form onSubmit={submit}>
          <h2>{props.title}</h2>
          <div class="dialog-body">{props.children}</div>
          {props.reason ? (
            <label>
              Reason{props.reason === 'required' ? ' (required)' : ''}
              <textarea name="reason" autofocus required={props.reason === 'required'} value={reason} onInput={(e) => setReason((e.target as HTMLTextAreaElement).value)} />
            </label>
          ) : null}
          {error ? (
            <p class="error" role="alert">
              {error}
            </p>
          ) : null}
          <div class="actions">
            <button type="button" onClick={() => setOpen(false)}>
              Cancel
            </button>
            <button type="submit" class={props.danger ? 'danger' : 'primary'} disabled={busy}>
              {busy ? 'Working…' : `Confirm: ${props.label}`}
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}
