/** The server's rule for new passwords (contract: ChangePasswordRequest). */
export const minimumPasswordLength = 12;

/** Why a new password and its confirmation cannot be sent yet, or null. */
export function passwordProblem(password: string, confirmation: string): string | null {
  if (password.length < minimumPasswordLength) {
    return `The password needs at least ${minimumPasswordLength} characters.`;
  }
  if (password !== confirmation) {
    return 'The two passwords differ. Type the same password twice.';
  }
  return null;
}
