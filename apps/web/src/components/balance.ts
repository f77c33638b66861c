import { useQuery, type UseQueryResult } from '@tanstack/react-query';
import type { Balance } from '@easel/sdk';
import { easel } from '../api/client';

export const BALANCE_KEY = ['balance'] as const;

export function useBalance(): UseQueryResult<Balance> {
  return useQuery({ queryKey: BALANCE_KEY, queryFn: ({ signal }) => easel.balance({ signal }) });
}
