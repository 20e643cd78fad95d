/**
 * `tsx --conditions=react-server e2e/support/own-database.ts`: creates a throw-away database (migrated, with its
 * own app login role), prints {name, ownerUrl, appUrl, appRole} as JSON and exits without dropping it. For specs
 * that must own their database (e.g. to take it down); they drop it with dropOwnDatabase (e2e/support/own-app.ts).
 */
import { closePrismaClient } from "../../lib/db/client";
import { createTestDatabase } from "../../test/support/test-database";

const db = await createTestDatabase();
await closePrismaClient(db.app);
await db.owner.end();
process.stdout.write(JSON.stringify({ name: db.name, ownerUrl: db.ownerUrl, appUrl: db.appUrl, appRole: db.appRole }));
process.exit(0);
