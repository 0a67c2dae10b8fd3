// Medusa v2 for kefu's store-backend tests (scripts/start-medusa.sh sets the env).
// Plain JS, no Redis (in-memory event bus, cache and locking), admin dashboard disabled.
const { loadEnv, defineConfig } = require("@medusajs/framework/utils")

loadEnv(process.env.NODE_ENV || "development", process.cwd())

module.exports = defineConfig({
  projectConfig: {
    databaseUrl: process.env.DATABASE_URL,
    http: {
      storeCors: process.env.STORE_CORS || "http://127.0.0.1",
      adminCors: process.env.ADMIN_CORS || "http://127.0.0.1",
      authCors: process.env.AUTH_CORS || "http://127.0.0.1",
      jwtSecret: process.env.JWT_SECRET || "kefu-test-jwt-secret",
      cookieSecret: process.env.COOKIE_SECRET || "kefu-test-cookie-secret",
    },
  },
  admin: { disable: true },
})
