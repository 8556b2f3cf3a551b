// Accounts (issue 13): SiliconFlow limits a whole account per model, and several keys can belong to
// one account. `account` is the account's id as SiliconFlow names it (user/info's data.id) or as the
// admin wrote it; NULL = not known, and the key is then an account of its own. `account_source`
// says where it came from: 'user-info', 'admin' or 'import'.
export default /* sql */ `
ALTER TABLE keys ADD COLUMN account TEXT;
ALTER TABLE keys ADD COLUMN account_source TEXT;
CREATE INDEX keys_account ON keys (account) WHERE account IS NOT NULL;
`;
