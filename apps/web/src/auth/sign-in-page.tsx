import type { ReactNode } from 'react';
import { signIn } from '../api/session';
import { AuthForm } from './auth-form';

export default function SignInPage(): ReactNode {
  return <AuthForm mode="signin" submit={signIn} />;
}
