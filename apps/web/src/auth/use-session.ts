import { useQuery, type UseQueryResult } from '@tanstack/react-query';
import { loadSession, type Session } from '../api/session';

export const SESSION_KEY = ['session'] as const;

/** The signed-in session (null when signed out), asked of the API once per page load. */
export function useSession(): UseQueryResult<Session | null> {
  return useQuery({ queryKey: SESSION_KEY, queryFn: loadSession, staleTime: Infinity });
}
