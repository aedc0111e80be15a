using System.Security.Cryptography;
using System.Text;
using CeasefireWatch.Web.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CeasefireWatch.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL server the tests may use, named by <c>CEASEFIREWATCH_TEST_POSTGRES</c>: an Npgsql connection string
/// without a database, for a role that may create databases (CI's <c>.ci/run</c> sets it up and exports it). Each test
/// app gets a fresh database of its own, dropped when the app is disposed. <c>CEASEFIREWATCH_TEST_PROVIDER=Postgres</c>
/// runs the whole integration suite on it instead of SQLite; <c>CEASEFIREWATCH_TEST_REDIS</c> names a Redis server.
/// </summary>
public static class TestPostgres
{
    public const string ServerVariable = "CEASEFIREWATCH_TEST_POSTGRES";
    public const string ProviderVariable = "CEASEFIREWATCH_TEST_PROVIDER";
    public const string RedisVariable = "CEASEFIREWATCH_TEST_REDIS";

    private const string DatabasePrefix = "cwtest_";

    /// <summary>
    /// A database migrated once per test run, copied for each test app (<c>CREATE DATABASE … TEMPLATE</c>): a copy
    /// takes a fraction of the time of migrating afresh. Dropped when the test process ends.
    /// </summary>
    private static readonly Lazy<string> Template = new(CreateTemplate, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The server's connection string, or null when none is configured.</summary>
    public static string? Server => Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } server ? server : null;

    public static string? Redis => Environment.GetEnvironmentVariable(RedisVariable) is { Length: > 0 } redis ? redis : null;

    /// <summary>Whether the integration suite runs on PostgreSQL (<c>CEASEFIREWATCH_TEST_PROVIDER=Postgres</c>).</summary>
    public static bool IsDefaultProvider =>
        string.Equals(Environment.GetEnvironmentVariable(ProviderVariable), "Postgres", StringComparison.OrdinalIgnoreCase);

    /// <summary>Skips the test, saying how to run it, when no PostgreSQL server is configured. CI configures one and refuses skips.</summary>
    public static string RequireServer()
    {
        Assert.SkipWhen(Server is null,
            $"No PostgreSQL server: set {ServerVariable} to an Npgsql connection string for a role that may create databases " +
            "(for example Host=127.0.0.1;Username=ceasefirewatch;Password=ceasefirewatch); .ci/run does.");
        return Server!;
    }

    public static string RequireRedis()
    {
        Assert.SkipWhen(Redis is null, $"No Redis server: set {RedisVariable} (for example 127.0.0.1:6379); .ci/run does.");
        return Redis!;
    }

    /// <summary>The database that stands for <paramref name="key"/> (a test's database path): the same key, the same database, so a restart finds its data.</summary>
    public static string DatabaseNameFor(string key) =>
        DatabasePrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..20];

    public static string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(RequireServer()) { Database = database, Pooling = true }.ConnectionString;

    /// <summary>A fresh database with a unique name; returns its connection string.</summary>
    public static string CreateDatabase() => EnsureDatabase(DatabasePrefix + Guid.NewGuid().ToString("N")[..20]);

    /// <summary>Creates the database unless it exists; returns its connection string.</summary>
    public static string EnsureDatabase(string database)
    {
        using var admin = new NpgsqlConnection(AdminConnectionString());
        admin.Open();
        using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", admin);
        exists.Parameters.AddWithValue("name", database);
        if (exists.ExecuteScalar() is null)
        {
            using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\" TEMPLATE \"{Template.Value}\"", admin);
            create.ExecuteNonQuery();
        }

        return ConnectionStringFor(database);
    }

    /// <summary>Drops the database (ending its sessions) if it exists.</summary>
    public static void DropDatabase(string database)
    {
        if (Server is null)
        {
            return;
        }

        // Our own pooled connections to it would hold it open.
        using (var pooled = new NpgsqlConnection(ConnectionStringFor(database)))
        {
            NpgsqlConnection.ClearPool(pooled);
        }

        // Clean-up only: a database left behind on a throwaway test server harms nothing, so a drop the server
        // refuses (an autovacuum worker it will not let us end, say) is tried again briefly and then left.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var admin = new NpgsqlConnection(AdminConnectionString());
                admin.Open();
                using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", admin);
                drop.ExecuteNonQuery();
                return;
            }
            catch (PostgresException) when (attempt < 3)
            {
                Thread.Sleep(TimeSpan.FromMilliseconds(200 * attempt));
            }
            catch (PostgresException)
            {
                return;
            }
        }
    }

    private static string CreateTemplate()
    {
        var template = DatabasePrefix + "template_" + Guid.NewGuid().ToString("N")[..12];
        using (var admin = new NpgsqlConnection(AdminConnectionString()))
        {
            admin.Open();
            using var create = new NpgsqlCommand($"CREATE DATABASE \"{template}\"", admin);
            create.ExecuteNonQuery();
        }

        // Migrated without pooling, so no connection to it stays open (a template must have none when copied).
        var connectionString = new NpgsqlConnectionStringBuilder(RequireServer()) { Database = template, Pooling = false }.ConnectionString;
        using (var db = new PostgresAppDbContext(new DbContextOptionsBuilder<PostgresAppDbContext>().UseNpgsql(connectionString).Options))
        {
            db.Database.Migrate();
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) => DropDatabase(template);
        return template;
    }

    private static string AdminConnectionString() =>
        new NpgsqlConnectionStringBuilder(RequireServer()) { Database = "postgres", Pooling = false }.ConnectionString;
}
