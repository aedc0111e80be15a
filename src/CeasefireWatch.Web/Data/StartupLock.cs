using Microsoft.EntityFrameworkCore;

namespace CeasefireWatch.Web.Data;

/// <summary>
/// On PostgreSQL, a session advisory lock held on the context's connection (kept open meanwhile) while start-up work
/// runs that two instances starting together must not both do: migrating, seeding, creating the bootstrap accounts.
/// The others wait, then find the work done. The lock goes with the connection if the process dies holding it.
/// On SQLite (one instance) it does nothing.
/// </summary>
internal sealed class StartupLock : IAsyncDisposable
{
    /// <summary>Any fixed number, the same in every instance ("CFWMIG").</summary>
    internal const long Key = 0x43_46_57_4D_49_47;

    /// <summary>How long start-up statements may take while the lock is held (waiting for it, a migration): not the requests' timeout.</summary>
    private static readonly TimeSpan StartupCommandTimeout = TimeSpan.FromMinutes(10);

    private readonly AppDbContext? db;
    private readonly int? commandTimeout;

    private StartupLock(AppDbContext? db, int? commandTimeout)
    {
        this.db = db;
        this.commandTimeout = commandTimeout;
    }

    public static async Task<StartupLock> AcquireAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        if (!db.Database.IsNpgsql())
        {
            return new StartupLock(null, null);
        }

        var commandTimeout = db.Database.GetCommandTimeout();
        db.Database.SetCommandTimeout(StartupCommandTimeout);
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({Key})", cancellationToken);
        }
        catch
        {
            await db.Database.CloseConnectionAsync();
            db.Database.SetCommandTimeout(commandTimeout);
            throw;
        }

        return new StartupLock(db, commandTimeout);
    }

    public async ValueTask DisposeAsync()
    {
        if (db is null)
        {
            return;
        }

        try
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({Key})", CancellationToken.None);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
            db.Database.SetCommandTimeout(commandTimeout);
        }
    }
}
