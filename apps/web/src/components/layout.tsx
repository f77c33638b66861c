import { useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import { errorText } from '../api/errors';
import { signOut } from '../api/session';
import { SESSION_KEY, useSession } from '../auth/use-session';
import { useBalance } from './balance';
import { useToast } from './toaster';

const NAV = [
  { href: '/', label: 'Generate' },
  { href: '/history', label: 'History' },
  { href: '/credits', label: 'Credits' },
  { href: '/keys', label: 'API keys' },
];

export function Layout({ children }: { children: ReactNode }): ReactNode {
  const [location, navigate] = useLocation();
  const session = useSession();
  const balance = useBalance();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [busy, setBusy] = useState(false);

  const onSignOut = async (): Promise<void> => {
    setBusy(true);
    try {
      await signOut();
      queryClient.clear();
      queryClient.setQueryData(SESSION_KEY, null);
      navigate('/signin', { replace: true });
    } catch (error) {
      toast(errorText(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link href="/" className="brand" aria-label="Easel home">
          <img src="/favicon.svg" alt="" width="24" height="24" />
          Easel
        </Link>
        <nav aria-label="Main">
          <ul>
            {NAV.map((item) => {
              const current = item.href === '/' ? location === '/' : location.startsWith(item.href);
              return (
                <li key={item.href}>
                  <Link href={item.href} aria-current={current ? 'page' : undefined}>
                    {item.label}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
        <div className="account">
          <Link href="/credits" className="balance" data-testid="balance">
            {balance.data ? `${balance.data.credits.toLocaleString()} credits` : '… credits'}
          </Link>
          <span className="email" title={session.data?.user.email}>
            {session.data?.user.email}
          </span>
          <button type="button" className="secondary" onClick={() => void onSignOut()} disabled={busy}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
