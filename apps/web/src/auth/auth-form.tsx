import { useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { useForm } from 'react-hook-form';
import { Link, useLocation, useSearch } from 'wouter';
import { errorText } from '../api/errors';
import type { Session } from '../api/session';
import { SESSION_KEY } from './use-session';

interface Fields {
  email: string;
  password: string;
}

interface Props {
  mode: 'signin' | 'signup';
  submit: (email: string, password: string) => Promise<Session>;
}

/** Sign in and sign up: the same two fields, different words and endpoint. */
export function AuthForm({ mode, submit }: Props): ReactNode {
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const search = new URLSearchParams(useSearch());
  const [failure, setFailure] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    formState: { errors, isSubmitting },
  } = useForm<Fields>({ defaultValues: { email: '', password: '' } });
  const signup = mode === 'signup';
  // Switching between sign in and sign up keeps where to go afterwards.
  const keep = search.get('next') ? `?next=${encodeURIComponent(search.get('next')!)}` : '';

  const onSubmit = async ({ email, password }: Fields): Promise<void> => {
    setFailure(null);
    try {
      const session = await submit(email.trim(), password);
      queryClient.clear();
      queryClient.setQueryData(SESSION_KEY, session);
      const next = search.get('next');
      navigate(next?.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
    } catch (error) {
      setFailure(errorText(error));
    }
  };

  return (
    <main className="center-page" id="main">
      <form className="card auth-card" onSubmit={(e) => void handleSubmit(onSubmit)(e)} noValidate>
        <h1>{signup ? 'Create your Easel account' : 'Sign in to Easel'}</h1>
        {signup && <p className="muted">New accounts start with 200 free credits.</p>}
        <label htmlFor="email">Email</label>
        <input
          id="email"
          type="email"
          autoComplete="email"
          aria-invalid={errors.email ? true : undefined}
          aria-describedby={errors.email ? 'email-error' : undefined}
          {...register('email', {
            required: 'Enter your email address.',
            pattern: { value: /^[^\s@]+@[^\s@]+\.[^\s@]+$/, message: 'Enter a valid email address.' },
          })}
        />
        {errors.email && (
          <p className="field-error" id="email-error">
            {errors.email.message}
          </p>
        )}
        <label htmlFor="password">Password</label>
        <input
          id="password"
          type="password"
          autoComplete={signup ? 'new-password' : 'current-password'}
          aria-invalid={errors.password ? true : undefined}
          aria-describedby={errors.password ? 'password-error' : signup ? 'password-hint' : undefined}
          {...register('password', {
            required: 'Enter your password.',
            ...(signup && { minLength: { value: 8, message: 'Use at least 8 characters.' } }),
          })}
        />
        {signup && !errors.password && (
          <p className="hint" id="password-hint">
            At least 8 characters.
          </p>
        )}
        {errors.password && (
          <p className="field-error" id="password-error">
            {errors.password.message}
          </p>
        )}
        {failure && (
          <p className="error" role="alert">
            {failure}
          </p>
        )}
        <button type="submit" disabled={isSubmitting}>
          {isSubmitting ? 'Please wait…' : signup ? 'Create account' : 'Sign in'}
        </button>
        <p className="muted">
          {signup ? (
            <>
              Already have an account? <Link href={`/signin${keep}`}>Sign in</Link>
            </>
          ) : (
            <>
              New to Easel? <Link href={`/signup${keep}`}>Create an account</Link>
            </>
          )}
        </p>
      </form>
    </main>
  );
}
