import { useMutation } from '@tanstack/react-query';
import {
  acceptInvitationApiInvitationsAcceptPost,
  changePasswordApiAuthPasswordChangePost,
  forgotPasswordApiAuthPasswordForgotPost,
  registerApiAuthRegisterPost,
  resetPasswordApiAuthPasswordResetPost,
  verifyEmailApiAuthVerifyEmailPost,
  type ChangePasswordRequest,
  type InvitationAccept,
  type RegisterRequest,
  type ResetPasswordRequest,
} from '@/client';
import { unwrap } from '@/lib/api';

export function useRegister() {
  return useMutation({ mutationFn: (body: RegisterRequest) => unwrap(registerApiAuthRegisterPost({ body })) });
}

export function useVerifyEmail() {
  return useMutation({ mutationFn: (token: string) => unwrap(verifyEmailApiAuthVerifyEmailPost({ body: { token } })) });
}

export function useForgotPassword() {
  return useMutation({ mutationFn: (email: string) => unwrap(forgotPasswordApiAuthPasswordForgotPost({ body: { email } })) });
}

export function useResetPassword() {
  return useMutation({ mutationFn: (body: ResetPasswordRequest) => unwrap(resetPasswordApiAuthPasswordResetPost({ body })) });
}

export function useChangePassword() {
  return useMutation({ mutationFn: (body: ChangePasswordRequest) => unwrap(changePasswordApiAuthPasswordChangePost({ body })) });
}

export function useAcceptInvitation() {
  return useMutation({ mutationFn: (body: InvitationAccept) => unwrap(acceptInvitationApiInvitationsAcceptPost({ body })) });
}

/** A redirect target from the URL, only if it stays on this site. */
export function safeRedirect(value: unknown): string {
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\') ? value : '/';
}
