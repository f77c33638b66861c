import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CreditPack, LedgerEntry, Page, PurchasePage } from '@easel/sdk';
import { useEffect, type ReactNode } from 'react';
import { useSearch } from 'wouter';
import { easel } from '../api/client';
import { errorText } from '../api/errors';
import { BALANCE_KEY, useBalance } from '../components/balance';
import { ErrorText } from '../components/error-text';
import { Loading } from '../components/loading';

const money = (amount: number, currency: string): string =>
  new Intl.NumberFormat(undefined, { style: 'currency', currency: currency.toUpperCase() }).format(
    amount / 100,
  );

export default function CreditsPage(): ReactNode {
  const search = new URLSearchParams(useSearch());
  const returning = search.get('checkout');
  const sessionId = search.get('session_id');
  const balance = useBalance();

  return (
    <>
      <h1>Credits</h1>
      <section className="card" aria-labelledby="balance-heading">
        <h2 id="balance-heading">Balance</h2>
        <p className="big-number" data-testid="credits-balance">
          {balance.data ? `${balance.data.credits.toLocaleString()} credits` : '…'}
        </p>
        <p className="hint">A 512×512 picture at up to 50 steps costs one credit.</p>
      </section>
      {returning === 'success' && sessionId && <CheckoutReturn sessionId={sessionId} />}
      {returning === 'cancel' && (
        <p className="notice" role="status">
          The checkout was canceled; nothing was charged.
        </p>
      )}
      <Packs />
      <Purchases />
      <Ledger />
    </>
  );
}

/** Back from Stripe: the credits arrive with the webhook, usually within seconds. */
function CheckoutReturn({ sessionId }: { sessionId: string }): ReactNode {
  const queryClient = useQueryClient();
  const purchase = useQuery({
    queryKey: ['purchases', 'checkout', sessionId],
    queryFn: async ({ signal }) => {
      const page = await easel.billing.purchases({ limit: 20 }, { signal }).firstPage();
      return page.data.find((p) => p.stripeCheckoutSessionId === sessionId) ?? null;
    },
    refetchInterval: (query) => (query.state.data?.status === 'paid' ? false : 1000),
  });
  const status = purchase.data?.status;
  useEffect(() => {
    if (status === 'paid') {
      void queryClient.invalidateQueries({ queryKey: BALANCE_KEY });
      void queryClient.invalidateQueries({ queryKey: ['purchases'] });
      void queryClient.invalidateQueries({ queryKey: ['ledger'] });
    }
  }, [status, queryClient]);

  if (status === 'paid') {
    return (
      <p className="notice success" role="status" data-testid="checkout-result">
        Payment received: {purchase.data!.credits.toLocaleString()} credits were added.
      </p>
    );
  }
  if (status === 'failed') {
    return (
      <p className="error" role="alert">
        The payment did not go through; nothing was added.
      </p>
    );
  }
  return (
    <div className="notice" role="status" data-testid="checkout-result">
      <span className="spinner" aria-hidden="true" /> Waiting for the payment to be confirmed…
    </div>
  );
}

function Packs(): ReactNode {
  const packs = useQuery({ queryKey: ['packs'], queryFn: ({ signal }) => easel.billing.packs({ signal }) });
  const checkout = useMutation({
    mutationFn: (pack: CreditPack) => easel.billing.checkout(pack.id),
    onSuccess: (session) => window.location.assign(session.url),
  });
  return (
    <section className="card" aria-labelledby="packs-heading">
      <h2 id="packs-heading">Buy credits</h2>
      {packs.isPending && <Loading label="Loading credit packs" />}
      <ErrorText error={packs.error} />
      {packs.data && !packs.data.enabled && <p>Buying credits is not enabled on this server.</p>}
      {packs.data?.enabled && (
        <ul className="packs">
          {packs.data.data.map((pack) => (
            <li key={pack.id} className="pack">
              <span className="pack-credits">{pack.credits.toLocaleString()} credits</span>
              <span className="pack-price">{money(pack.amount, pack.currency)}</span>
              <button
                type="button"
                onClick={() => checkout.mutate(pack)}
                disabled={checkout.isPending}
                aria-label={`Buy ${pack.credits} credits for ${money(pack.amount, pack.currency)}`}
              >
                Buy
              </button>
            </li>
          ))}
        </ul>
      )}
      {checkout.isPending && <p role="status">Opening the checkout…</p>}
      {checkout.isError && (
        <p className="error" role="alert">
          {errorText(checkout.error)}
        </p>
      )}
    </section>
  );
}

function Purchases(): ReactNode {
  const list = useInfiniteQuery({
    queryKey: ['purchases', 'list'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }): Promise<PurchasePage> =>
      easel.billing.purchases({ limit: 10, ...(pageParam && { cursor: pageParam }) }, { signal }).firstPage(),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = list.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <section className="card" aria-labelledby="purchases-heading">
      <h2 id="purchases-heading">Purchases</h2>
      <ErrorText error={list.error} />
      {list.isSuccess && rows.length === 0 && <p className="muted">No purchases yet.</p>}
      {rows.length > 0 && (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Purchases">
          <table>
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Credits</th>
                <th scope="col">Amount</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((p) => (
                <tr key={p.id}>
                  <td>{new Date(p.createdAt).toLocaleString()}</td>
                  <td>{p.credits.toLocaleString()}</td>
                  <td>{money(p.amount, p.currency)}</td>
                  <td>{p.status.replace('_', ' ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list.hasNextPage && (
        <button type="button" className="secondary" onClick={() => void list.fetchNextPage()}>
          Show older
        </button>
      )}
    </section>
  );
}

const KIND_LABELS: Record<LedgerEntry['kind'], string> = {
  grant: 'Grant',
  debit: 'Generation',
  refund: 'Refund',
  purchase: 'Purchase',
  adjustment: 'Adjustment',
};

function Ledger(): ReactNode {
  const list = useInfiniteQuery({
    queryKey: ['ledger'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }): Promise<Page<LedgerEntry>> =>
      easel.ledger({ limit: 20, ...(pageParam && { cursor: pageParam }) }, { signal }).firstPage(),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = list.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <section className="card" aria-labelledby="ledger-heading">
      <h2 id="ledger-heading">Ledger</h2>
      {list.isPending && <Loading label="Loading the ledger" />}
      {list.isError && <p className="error">{errorText(list.error)}</p>}
      {rows.length > 0 && (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Ledger entries">
          <table data-testid="ledger">
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">What</th>
                <th scope="col">Credits</th>
                <th scope="col">Balance</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((e) => (
                <tr key={e.id}>
                  <td>{new Date(e.createdAt).toLocaleString()}</td>
                  <td>{KIND_LABELS[e.kind]}</td>
                  <td className={e.amount < 0 ? 'negative' : 'positive'}>
                    {e.amount > 0 ? `+${e.amount}` : e.amount}
                  </td>
                  <td>{e.balanceAfter.toLocaleString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list.hasNextPage && (
        <button type="button" className="secondary" onClick={() => void list.fetchNextPage()}>
          Show older
        </button>
      )}
    </section>
  );
}
