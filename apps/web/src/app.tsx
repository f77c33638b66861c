import { useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, type ReactNode } from 'react';
import { Redirect, Route, Switch, useLocation } from 'wouter';
import { setSessionLostHandler } from './api/client';
import { SESSION_KEY, useSession } from './auth/use-session';
import { Layout } from './components/layout';
import { Loading } from './components/loading';

// Every page is its own chunk: the first load carries the shell and the page it lands on.
const SignInPage = lazy(() => import('./auth/sign-in-page'));
const SignUpPage = lazy(() => import('./auth/sign-up-page'));
const GeneratePage = lazy(() => import('./generate/generate-page'));
const HistoryPage = lazy(() => import('./history/history-page'));
const CreditsPage = lazy(() => import('./credits/credits-page'));
const KeysPage = lazy(() => import('./keys/keys-page'));

export function App(): ReactNode {
  const queryClient = useQueryClient();
  const [location, navigate] = useLocation();
  const session = useSession();

  useEffect(() => {
    setSessionLostHandler(() => {
      queryClient.setQueryData(SESSION_KEY, null);
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== SESSION_KEY[0] });
    });
  }, [queryClient]);

  // A page reached while signed out comes back after signing in.
  useEffect(() => {
    if (session.data === null && !location.startsWith('/sign')) {
      navigate(`/signin?next=${encodeURIComponent(location + window.location.search)}`, { replace: true });
    }
  }, [session.data, location, navigate]);

  if (session.isPending) return <Loading label="Loading Easel" />;
  if (session.isError) {
    return (
      <main className="center-page">
        <p role="alert">Easel could not be reached. Reload the page to try again.</p>
      </main>
    );
  }
  const signedIn = session.data !== null;

  return (
    <Suspense fallback={<Loading label="Loading page" />}>
      <Switch>
        <Route path="/signin">{signedIn ? <Redirect to="/" /> : <SignInPage />}</Route>
        <Route path="/signup">{signedIn ? <Redirect to="/" /> : <SignUpPage />}</Route>
        <Route>
          {signedIn ? (
            <Layout>
              <Suspense fallback={<Loading label="Loading page" />}>
                <Switch>
                  <Route path="/" component={GeneratePage} />
                  <Route path="/history" component={HistoryPage} />
                  <Route path="/history/:id" component={HistoryPage} />
                  <Route path="/credits" component={CreditsPage} />
                  <Route path="/keys" component={KeysPage} />
                  <Route>
                    <h1>Page not found</h1>
                    <p>There is nothing at this address.</p>
                  </Route>
                </Switch>
              </Suspense>
            </Layout>
          ) : (
            <Loading label="Redirecting to sign in" />
          )}
        </Route>
      </Switch>
    </Suspense>
  );
}
