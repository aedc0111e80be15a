using CeasefireWatch.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace CeasefireWatch.Web.Infrastructure.Security;

/// <summary>
/// Knows whether the one-time setup is still open (no user exists). Once a user exists it stays closed
/// for the life of the process, so the common case costs no query.
/// </summary>
public sealed class SetupGate : IDisposable
{
    private readonly SemaphoreSlim creating = new(1, 1);
    private volatile bool usersExist;

    public async Task<bool> IsOpenAsync(AppDbContext db, CancellationToken ct)
    {
        if (usersExist)
        {
            return false;
        }

        usersExist = await db.Users.AnyAsync(ct);
        return !usersExist;
    }

    /// <summary>Any fixed number, the same in every instance ("CFWSET"): PostgreSQL's lock on the setup.</summary>
    internal const long LockKey = 0x43_46_57_53_45_54;

    /// <summary>
    /// Runs <paramref name="create"/> only if still open, one caller at a time, so two first visitors cannot both become
    /// admin: one at a time in this process (the semaphore), and across instances sharing the database by one transaction
    /// that holds the database's write lock (SQLite takes it at BEGIN; PostgreSQL a transaction advisory lock) from the
    /// check to the commit. A creation that fails leaves nothing behind (no account without its role).
    /// </summary>
    public async Task<bool> TryCloseAsync(AppDbContext db, Func<Task<bool>> create, CancellationToken ct)
    {
        await creating.WaitAsync(ct);
        try
        {
            if (usersExist)
            {
                return false;
            }

            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            if (db.Database.IsNpgsql())
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({LockKey})", ct);
            }

            if (!await IsOpenAsync(db, ct) || !await create())
            {
                return false;
            }

            await transaction.CommitAsync(ct);
            usersExist = true;
            return true;
        }
        finally
        {
            creating.Release();
        }
    }

    public void Dispose() => creating.Dispose();
}

/// <summary>While no user exists, every page leads to the setup page (the API and health answer as usual).</summary>
internal sealed class SetupRedirectMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, SetupGate gate, AppDbContext db)
    {
        var path = context.Request.Path;
        // A program (the API, the live hub, the OpenAPI document, anything sent with a key) gets its own answer, never a
        // redirect to a page it cannot fill in.
        var exempt = ApiProblemDetailsWriter.AnswersAsProblem(context) || path.StartsWithSegments("/health")
            || path.StartsWithSegments("/Setup") || path.StartsWithSegments("/Error") || path.StartsWithSegments("/Status")
            || Path.HasExtension(path.Value);
        if (!exempt && await gate.IsOpenAsync(db, context.RequestAborted))
        {
            context.Response.Redirect("/Setup");
            return;
        }

        await next(context);
    }
}
