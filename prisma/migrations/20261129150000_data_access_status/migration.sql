-- Facebook's 90-day data access (debug_token's data_access_expires_at) as token statuses: a token can be valid
-- while it reads no data. "data_access_expiring" = lapses within TOKEN_EXPIRY_WARNING_DAYS; "data_access_expired"
-- = lapsed, the person must re-approve (dialog with auth_type=reauthorize). Nothing uses the values in this file.
ALTER TYPE "token_status" ADD VALUE IF NOT EXISTS 'data_access_expiring';
ALTER TYPE "token_status" ADD VALUE IF NOT EXISTS 'data_access_expired';
