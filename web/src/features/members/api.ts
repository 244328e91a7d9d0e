import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  createInvitationApiInvitationsPost,
  listInvitationsApiInvitationsGet,
  listMembersApiMembersGet,
  removeMemberApiMembersMemberIdDelete,
  revokeInvitationApiInvitationsInvitationIdDelete,
  updateMemberApiMembersMemberIdPatch,
  type InvitationCreate,
  type InvitationRead,
  type Role,
} from '@/client';
import { unwrap } from '@/lib/api';

export const ROLES: Role[] = ['owner', 'admin', 'member', 'viewer'];
const PAGE_SIZE = 25;

export const fetchMembers = ({ cursor }: { cursor: string | null }) =>
  unwrap(listMembersApiMembersGet({ query: { cursor, limit: PAGE_SIZE } }));

export const fetchInvitations = ({ cursor }: { cursor: string | null }) =>
  unwrap(listInvitationsApiInvitationsGet({ query: { cursor, limit: PAGE_SIZE } }));

export type InvitationStatus = 'pending' | 'accepted' | 'revoked' | 'expired';

export function invitationStatus(invitation: InvitationRead, now: Date = new Date()): InvitationStatus {
  if (invitation.accepted_at) return 'accepted';
  if (invitation.revoked_at) return 'revoked';
  if (new Date(invitation.expires_at).getTime() <= now.getTime()) return 'expired';
  return 'pending';
}

export function useUpdateMemberRole() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ memberId, role }: { memberId: string; role: Role }) =>
      unwrap(updateMemberApiMembersMemberIdPatch({ path: { member_id: memberId }, body: { role } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['members'] }),
  });
}

export function useRemoveMember() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (memberId: string) => unwrap(removeMemberApiMembersMemberIdDelete({ path: { member_id: memberId } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['members'] }),
  });
}

export function useInvite() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: InvitationCreate) => unwrap(createInvitationApiInvitationsPost({ body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['invitations'] }),
  });
}

export function useRevokeInvitation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (invitationId: string) => unwrap(revokeInvitationApiInvitationsInvitationIdDelete({ path: { invitation_id: invitationId } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['invitations'] }),
  });
}
