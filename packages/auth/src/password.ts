// Shared by the server config and the sign-up form, so the form can say the rule up front.
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;
