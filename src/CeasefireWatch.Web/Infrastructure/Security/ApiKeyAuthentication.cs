using System.Security.Claims;
using System.Text.Encodings.Web;
using CeasefireWatch.Web.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CeasefireWatch.Web.Infrastructure.Security;

/// <summary>
/// Authenticates machine callers by the <c>X-Api-Key</c> header: the key's name becomes the identity's
/// name (the actor on the timeline) and its role the identity's role. A missing, unknown or revoked key
/// gets a 401 problem, and a 429 once its address is over the failure budget (<see cref="CredentialGuessingGuard"/>);
/// a known key is never refused for what others sent from its address. A key without the rights for a call gets a
/// 403 problem.
/// </summary>
internal sealed partial class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    AppDbContext db,
    TimeProvider clock,
    IProblemDetailsService problemDetails,
    CredentialGuessingGuard guessing,
    SecurityLog securityLog,
    ApiKeyCache cache)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";

    /// <summary>Last use is written at most this often per key, so a busy pipeline does not turn every read into a write.</summary>
    private static readonly TimeSpan LastUseResolution = TimeSpan.FromMinutes(1);

    /// <summary>Set on a request whose unknown key came from a throttled address: its challenge is a 429, not a 401.</summary>
    private static readonly object ThrottledFor = new();

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(HeaderName, out var values) || string.IsNullOrWhiteSpace(values.ToString()))
        {
            return AuthenticateResult.NoResult();
        }

        var hash = ApiKey.Hash(values.ToString().Trim());
        var key = cache.Find(hash);
        if (key is null)
        {
            key = await db.ApiKeys.AsNoTracking()
                .Where(k => k.SecretHash == hash && k.RevokedAt == null)
                .Select(k => new ApiKeyCache.Key(k.Id, k.Name, k.Role, k.LastUsedAt))
                .FirstOrDefaultAsync(Context.RequestAborted);
            if (key is null)
            {
                if (guessing.IsBlocked(CredentialGuessingGuard.AddressOf(Context), out var retryAfter))
                {
                    // Already logged once as throttled: no security-log row per further guess.
                    Context.Items[ThrottledFor] = retryAfter;
                    return AuthenticateResult.Fail("Too many unknown API keys from this address.");
                }

                await RecordRejectedKeyAsync(values.ToString().Trim());
                return AuthenticateResult.Fail("The API key is unknown or revoked.");
            }

            cache.Remember(hash, key);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        if (key.LastUsedAt is null || now - key.LastUsedAt > LastUseResolution)
        {
            await RecordLastUseAsync(key.Id, now);
            cache.Remember(hash, key with { LastUsedAt = now });
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, key.Name), new Claim(ClaimTypes.Role, key.Role), new Claim(LiveConnections.ApiKeyIdClaim, key.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    /// <summary>
    /// An unknown or revoked key counts against the caller's address (guessing is throttled, 429) and is written
    /// to the security log with only its first characters: the log must not become a list of near-miss secrets.
    /// </summary>
    private async Task RecordRejectedKeyAsync(string presented)
    {
        var address = CredentialGuessingGuard.AddressOf(Context);
        if (guessing.RecordFailure(address))
        {
            securityLog.Add(SecurityEventKind.CredentialGuessingThrottled, address,
                "Failed sign-ins and API keys from this address reached the limit; further attempts get 429 until the window ends.", "anonymous");
        }

        securityLog.Add(SecurityEventKind.ApiKeyRejected, presented[..Math.Min(6, presented.Length)] + "…",
            $"Unknown or revoked API key on {Request.Method} {Request.Path}.", "anonymous");
        try
        {
            await db.SaveChangesAsync(Context.RequestAborted);
        }
        catch (Exception ex) when (StorageFailure.Is(ex))
        {
            // The 401 stands whether or not the log could be written.
            StorageFailure.Recover(ex);
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>
    /// Last use is bookkeeping: when it cannot be written (a read-only or full disk, a long lock) the request goes
    /// on — a read must not die for want of a note about it — and the next request tries again.
    /// </summary>
    private async Task RecordLastUseAsync(int keyId, DateTime now)
    {
        try
        {
            await db.ApiKeys.Where(k => k.Id == keyId)
                .ExecuteUpdateAsync(set => set.SetProperty(k => k.LastUsedAt, now), Context.RequestAborted);
        }
        catch (Exception ex) when (StorageFailure.Is(ex))
        {
            StorageFailure.Recover(ex);
            LastUseNotRecorded(Logger, keyId, StorageFailure.Describe(ex));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Last use of API key {KeyId} not recorded: {Reason}")]
    private static partial void LastUseNotRecorded(ILogger logger, int keyId, string reason);

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        Context.Items.TryGetValue(ThrottledFor, out var retryAfter)
            ? CredentialGuessingLimiter.WriteThrottledAsync(Context, (TimeSpan)retryAfter!)
            : WriteProblemAsync(Context, problemDetails, StatusCodes.Status401Unauthorized, "Authentication required.",
                $"Send a valid {HeaderName} header, or sign in.");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(Context, problemDetails, StatusCodes.Status403Forbidden, "Not allowed.",
            "This API key's role may not make this call.");

    internal static async Task WriteProblemAsync(
        HttpContext context, IProblemDetailsService problems, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }
}
