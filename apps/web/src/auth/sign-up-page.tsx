import type { ReactNode } from 'react';
import { signUp } from '../api/session';
import { AuthForm } from './auth-form';

export default function SignUpPage(): ReactNode {
  return <AuthForm mode="signup" submit={signUp} />;
}
