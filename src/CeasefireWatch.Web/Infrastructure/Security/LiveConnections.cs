using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Claims;
using CeasefireWatch.Web.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CeasefireWatch.Web.Infrastructure.Security;

/// <summary>
/// The live hub's open connections, each with the session or key it was opened with. A connection is authenticated
/// once, at its start, and then lives as long as its socket; it carries incident titles and places (the tier alerts).
/// So it ends with its credentials: at once when this process changes an account's security stamp (sign-out, disable,
/// role, password: <see cref="ClockedUserManager"/>) or revokes a key, and within <see cref="RecheckEvery"/> when the
/// change happened elsewhere (another instance, the console's password recovery, an edit by hand):
/// <see cref="LiveConnectionSweeper"/> checks every open connection against the database that often.
/// </summary>
public sealed class LiveConnections(IOptions<IdentityOptions> identity)
{
    /// <summary>How often the open connections are checked against the accounts and keys as stored.</summary>
    public static readonly TimeSpan RecheckEvery = TimeSpan.FromSeconds(5);

    /// <summary>The claim the API-key scheme puts the key's id in.</summary>
    public const string ApiKeyIdClaim = "api_key_id";

    private sealed record Connection(HubCallerContext Context, string? UserId, string? Stamp, int? ApiKeyId);

    private readonly ConcurrentDictionary<string, Connection> open = new(StringComparer.Ordinal);

    public int Count => open.Count;

    public void Opened(HubCallerContext context)
    {
        var user = context.User;
        var claims = identity.Value.ClaimsIdentity;
        var connection = user?.FindFirstValue(ApiKeyIdClaim) is { } keyId
            && int.TryParse(keyId, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? new Connection(context, null, null, id)
            : new Connection(context, user?.FindFirstValue(claims.UserIdClaimType), user?.FindFirstValue(claims.SecurityStampClaimType), null);
        if (connection.UserId is null && connection.ApiKeyId is null)
        {
            // Neither a session nor a key: nothing it could be checked against (the hub's policy lets none such in).
            context.Abort();
            return;
        }

        open[context.ConnectionId] = connection;
    }

    public void Closed(string connectionId) => open.TryRemove(connectionId, out _);

    /// <summary>Ends the user's connections opened with another security stamp than <paramref name="stamp"/>.</summary>
    public void EndStale(string userId, string? stamp) =>
        End(c => c.UserId == userId && !string.Equals(c.Stamp, stamp, StringComparison.Ordinal));

    /// <summary>Ends the connections opened with the key.</summary>
    public void EndForApiKey(int keyId) => End(c => c.ApiKeyId == keyId);

    /// <summary>Ends every connection whose session or key is no longer valid as stored; returns how many.</summary>
    public async Task<int> SweepAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        var connections = open.Values.ToList();
        if (connections.Count == 0)
        {
            return 0;
        }

        var userIds = connections.Where(c => c.UserId is not null).Select(c => c.UserId!).Distinct().ToList();
        var keyIds = connections.Where(c => c.ApiKeyId is not null).Select(c => c.ApiKeyId!.Value).Distinct().ToList();
        var stamps = userIds.Count == 0
            ? []
            : await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id))
                .Select(u => new { u.Id, u.SecurityStamp }).ToDictionaryAsync(u => u.Id, u => u.SecurityStamp, cancellationToken);
        var liveKeys = keyIds.Count == 0
            ? []
            : (await db.ApiKeys.AsNoTracking().Where(k => keyIds.Contains(k.Id) && k.RevokedAt == null)
                .Select(k => k.Id).ToListAsync(cancellationToken)).ToHashSet();

        return End(c => c.ApiKeyId is { } key
            ? !liveKeys.Contains(key)
            : !stamps.TryGetValue(c.UserId!, out var stamp) || !string.Equals(stamp, c.Stamp, StringComparison.Ordinal));
    }

    private int End(Func<Connection, bool> ended)
    {
        var count = 0;
        foreach (var (id, connection) in open)
        {
            if (ended(connection) && open.TryRemove(id, out _))
            {
                connection.Context.Abort();
                count++;
            }
        }

        return count;
    }
}

/// <summary>Every <see cref="LiveConnections.RecheckEvery"/>, ends the live connections whose session or key has ended elsewhere.</summary>
internal sealed partial class LiveConnectionSweeper(
    LiveConnections connections, IServiceScopeFactory scopes, TimeProvider clock, ILogger<LiveConnectionSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(LiveConnections.RecheckEvery, clock, stoppingToken);
                if (connections.Count == 0)
                {
                    continue;
                }

                await using var scope = scopes.CreateAsyncScope();
                var ended = await connections.SweepAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(), stoppingToken);
                if (ended > 0)
                {
                    Ended(logger, ended);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (StorageFailure.Is(ex))
            {
                // The next round tries again; a connection is not ended for want of an answer from the database.
                StorageFailure.Recover(ex);
                NotChecked(logger, StorageFailure.Describe(ex));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ended {Count} live connection(s) whose session or API key has ended")]
    private static partial void Ended(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live connections not checked this round: {Reason}")]
    private static partial void NotChecked(ILogger logger, string reason);
}
