// Shared by the server config and the sign-up form, so the form can say the rule up front.
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;
/** Profile fields end up in every API token (Better Auth's JWT carries the user): keep them short. */
export const NAME_MAX_LENGTH = 100;
export const EMAIL_MAX_LENGTH = 254;
export const IMAGE_URL_MAX_LENGTH = 2048;
