import * as Dialog from '@radix-ui/react-dialog';
import * as Tabs from '@radix-ui/react-tabs';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ApiKey, CreatedApiKey } from '@easel/sdk';
import { useRef, useState, type ReactNode } from 'react';
import { useForm } from 'react-hook-form';
import { easel } from '../api/client';
import { errorText } from '../api/errors';
import { CopyButton } from '../components/copy-button';
import { ErrorText } from '../components/error-text';
import { Loading } from '../components/loading';
import { useToast } from '../components/toaster';
import { snippets } from './snippets';

const KEYS = ['keys'] as const;
const when = (iso: string | null): string => (iso ? new Date(iso).toLocaleString() : 'Never');

export default function KeysPage(): ReactNode {
  const queryClient = useQueryClient();
  const toast = useToast();
  const keys = useQuery({ queryKey: KEYS, queryFn: ({ signal }) => easel.keys.list({ signal }) });
  const engines = useQuery({ queryKey: ['engines'], queryFn: ({ signal }) => easel.engines({ signal }) });
  // The new secret stays on this page (for the snippets) until it is left; the dialog shows it once.
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [showSecret, setShowSecret] = useState(false);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  // The dialogs open from state, not from a Radix trigger: they give focus back to what opened them by hand.
  const createButton = useRef<HTMLButtonElement>(null);
  const revokeOpener = useRef<HTMLButtonElement | null>(null);
  const { register, handleSubmit, reset, formState } = useForm<{ name: string }>({
    defaultValues: { name: '' },
  });

  const create = useMutation({
    mutationFn: (name: string) => easel.keys.create(name),
    onSuccess: async (key) => {
      setCreated(key);
      setShowSecret(true);
      reset();
      await queryClient.invalidateQueries({ queryKey: KEYS });
    },
  });
  const revoke = useMutation({
    mutationFn: (key: ApiKey) => easel.keys.revoke(key.id),
    onSuccess: async (_, key) => {
      setRevoking(null);
      toast(`Key ${key.name} was revoked.`);
      await queryClient.invalidateQueries({ queryKey: KEYS });
    },
  });

  const engine = engines.data?.[0]?.id ?? 'easel-tiny';
  const shownKey = created?.key ?? (keys.data?.[0] ? `${keys.data[0].prefix}…` : 'YOUR_API_KEY');

  return (
    <>
      <h1>API keys</h1>
      <section className="card" aria-labelledby="new-key-heading">
        <h2 id="new-key-heading">Create a key</h2>
        <form
          className="row wrap"
          onSubmit={(e) => void handleSubmit(({ name }) => create.mutate(name.trim()))(e)}
        >
          <label htmlFor="key-name" className="visually-hidden">
            Key name
          </label>
          <input
            id="key-name"
            type="text"
            placeholder="Name, e.g. laptop"
            aria-invalid={formState.errors.name ? true : undefined}
            {...register('name', { required: 'Give the key a name.', maxLength: 100 })}
          />
          <button type="submit" ref={createButton} disabled={create.isPending}>
            Create key
          </button>
        </form>
        {formState.errors.name && <p className="field-error">{formState.errors.name.message}</p>}
        {create.isError && (
          <p className="error" role="alert">
            {errorText(create.error)}
          </p>
        )}
      </section>

      <section className="card" aria-labelledby="keys-heading">
        <h2 id="keys-heading">Your keys</h2>
        {keys.isPending && <Loading label="Loading keys" />}
        <ErrorText error={keys.error} />
        {keys.data?.length === 0 && <p className="muted">No keys yet.</p>}
        {keys.data && keys.data.length > 0 && (
          <div className="table-scroll" tabIndex={0} role="region" aria-label="API keys">
            <table data-testid="keys-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Key</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last used</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {keys.data.map((key) => (
                  <tr key={key.id}>
                    <td>{key.name}</td>
                    <td>
                      <code>{key.prefix}…</code>
                    </td>
                    <td>{when(key.createdAt)}</td>
                    <td>{when(key.lastUsedAt)}</td>
                    <td>
                      <button
                        type="button"
                        className="danger small"
                        onClick={(e) => {
                          revokeOpener.current = e.currentTarget;
                          setRevoking(key);
                        }}
                      >
                        Revoke<span className="visually-hidden"> {key.name}</span>
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="card" aria-labelledby="quickstart-heading">
        <h2 id="quickstart-heading">Quick start</h2>
        <p>
          Send the key as <code>Authorization: Bearer …</code>. The full reference is in the{' '}
          <a href="/docs">API documentation</a>.
        </p>
        <Tabs.Root defaultValue="curl">
          <Tabs.List className="tabs" aria-label="Language">
            {snippets(location.origin, shownKey, engine).map((s) => (
              <Tabs.Trigger key={s.id} value={s.id} className="tab">
                {s.label}
              </Tabs.Trigger>
            ))}
          </Tabs.List>
          {snippets(location.origin, shownKey, engine).map((s) => (
            <Tabs.Content key={s.id} value={s.id} className="tab-panel">
              <pre className="code" tabIndex={0} data-testid={`snippet-${s.id}`}>
                <code>{s.code}</code>
              </pre>
              <CopyButton text={s.code} label="Copy code" />
            </Tabs.Content>
          ))}
        </Tabs.Root>
      </section>

      <Dialog.Root open={showSecret} onOpenChange={setShowSecret}>
        <Dialog.Portal>
          <Dialog.Overlay className="dialog-overlay" />
          <Dialog.Content
            className="dialog"
            onCloseAutoFocus={(e) => {
              e.preventDefault();
              createButton.current?.focus();
            }}
          >
            <Dialog.Title>Your new key</Dialog.Title>
            <Dialog.Description>
              Copy it now: it is shown only this once. Anyone holding it can spend your credits.
            </Dialog.Description>
            <pre className="code secret" data-testid="new-key-secret" tabIndex={0}>
              <code>{created?.key}</code>
            </pre>
            <div className="row wrap">
              <CopyButton text={created?.key ?? ''} label="Copy key" />
              <Dialog.Close className="button">Done</Dialog.Close>
            </div>
          </Dialog.Content>
        </Dialog.Portal>
      </Dialog.Root>

      <Dialog.Root open={revoking !== null} onOpenChange={(open) => !open && setRevoking(null)}>
        <Dialog.Portal>
          <Dialog.Overlay className="dialog-overlay" />
          <Dialog.Content
            className="dialog"
            onCloseAutoFocus={(e) => {
              e.preventDefault();
              // A revoked key's button is gone with its row: then the form to create one.
              const opener = revokeOpener.current;
              (opener?.isConnected ? opener : createButton.current)?.focus();
            }}
          >
            <Dialog.Title>Revoke {revoking?.name}?</Dialog.Title>
            <Dialog.Description>
              Programs using this key will get 401 from now on. This cannot be undone.
            </Dialog.Description>
            {revoke.isError && (
              <p className="error" role="alert">
                {errorText(revoke.error)}
              </p>
            )}
            <div className="row wrap">
              <button
                type="button"
                className="danger"
                onClick={() => revoking && revoke.mutate(revoking)}
                disabled={revoke.isPending}
              >
                Revoke key
              </button>
              <Dialog.Close className="button secondary">Cancel</Dialog.Close>
            </div>
          </Dialog.Content>
        </Dialog.Portal>
      </Dialog.Root>
    </>
  );
}
