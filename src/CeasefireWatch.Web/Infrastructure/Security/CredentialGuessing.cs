using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace CeasefireWatch.Web.Infrastructure.Security;

/// <summary>How many failed credentials (sign-ins, unknown API keys) one client address may send per window.</summary>
public sealed class CredentialGuessingOptions
{
    public const string Section = "Security:CredentialGuessing";

    [Range(1, 100_000)]
    public int FailureLimit { get; set; } = 20;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// Counts failed credentials per client address in fixed windows on the app's clock. Only failures count, so a
/// pipeline posting thousands of reports a second with a good key is never slowed; an address that has failed
/// <see cref="CredentialGuessingOptions.FailureLimit"/> times is refused (429) for the rest of its window, which
/// makes guessing API keys or spraying passwords across accounts hopeless. Account lockout (five failures) still
/// protects each account on its own.
/// </summary>
public sealed class CredentialGuessingGuard(TimeProvider clock, Microsoft.Extensions.Options.IOptions<CredentialGuessingOptions> options)
{
    /// <summary>Past this many tracked addresses, windows that have ended are swept, so a spread of addresses cannot grow memory for ever.</summary>
    private const int SweepAbove = 10_000;

    private readonly ConcurrentDictionary<string, Window> windows = new(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="address"/> is refused now, and for how long it will be.</summary>
    public bool IsBlocked(string address, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (!windows.TryGetValue(address, out var window))
        {
            return false;
        }

        var now = clock.GetUtcNow();
        lock (window)
        {
            if (now >= window.EndsAt || window.Failures < options.Value.FailureLimit)
            {
                return false;
            }

            retryAfter = window.EndsAt - now;
            return true;
        }
    }

    /// <summary>Counts one failure; true exactly when this failure reaches the limit (so the block is logged once).</summary>
    public bool RecordFailure(string address)
    {
        if (windows.Count > SweepAbove)
        {
            Sweep();
        }

        var now = clock.GetUtcNow();
        var window = windows.GetOrAdd(address, _ => new Window(now + options.Value.Window));
        lock (window)
        {
            if (now >= window.EndsAt)
            {
                window.EndsAt = now + options.Value.Window;
                window.Failures = 0;
            }

            window.Failures++;
            return window.Failures == options.Value.FailureLimit;
        }
    }

    /// <summary>
    /// Who a request's failures are counted against: its IPv4 address (also when it arrives mapped into IPv6), or the
    /// /64 network of an IPv6 address. One IPv6 subscriber is handed at least a /64 and may send from any address in it,
    /// so counted per full address, every guess could come from a fresh one and the limit would stop nobody.
    /// </summary>
    public static string AddressOf(HttpContext context) => Counted(context.Connection.RemoteIpAddress);

    internal static string Counted(System.Net.IPAddress? address)
    {
        if (address is null)
        {
            return "local";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new System.Net.IPAddress(bytes) + "/64";
    }

    private void Sweep()
    {
        var now = clock.GetUtcNow();
        foreach (var (address, window) in windows)
        {
            if (now >= window.EndsAt)
            {
                windows.TryRemove(address, out _);
            }
        }
    }

    private sealed class Window(DateTimeOffset endsAt)
    {
        public DateTimeOffset EndsAt { get; set; } = endsAt;

        public int Failures { get; set; }
    }
}

/// <summary>
/// Puts <see cref="CredentialGuessingGuard"/> behind ASP.NET Core's rate limiter for sign-ins: a sign-in post is
/// partitioned by client address, and refused while its address is over its failure budget (a right password too, or
/// the answer would tell a guesser it was right). The middleware answers 429; <see cref="WriteThrottledAsync"/> words it.
/// API keys are not refused here but by <see cref="ApiKeyAuthenticationHandler"/>, and only unknown ones: a known key is
/// served whatever others sent from its address (a NAT, a proxy), and the keys the app makes are 256 random bits,
/// beyond guessing at any rate.
/// </summary>
internal static class CredentialGuessingLimiter
{
    public static IServiceCollection AddCredentialGuessingLimiter(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CredentialGuessingOptions>().Bind(configuration.GetSection(CredentialGuessingOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<CredentialGuessingGuard>();
        services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                PresentsCredentials(context)
                    ? RateLimitPartition.Get(CredentialGuessingGuard.AddressOf(context), address =>
                        new GuardLimiter(context.RequestServices.GetRequiredService<CredentialGuessingGuard>(), address))
                    : RateLimitPartition.GetNoLimiter(string.Empty));
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = OnRejectedAsync;
        });
        return services;
    }

    private static bool PresentsCredentials(HttpContext context) =>
        HttpMethods.IsPost(context.Request.Method) && context.Request.Path.StartsWithSegments("/Account/SignIn", StringComparison.OrdinalIgnoreCase);

    private static ValueTask OnRejectedAsync(OnRejectedContext rejected, CancellationToken cancellationToken) =>
        new(WriteThrottledAsync(rejected.HttpContext,
            rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(60)));

    /// <summary>
    /// The 429 for an address over its failure budget, with <c>Retry-After</c> in whole seconds: a problem for a program
    /// (<see cref="ApiProblemDetailsWriter.AnswersAsProblem"/>); for a person at the sign-in page no body, so that the status page says it in words (it was a problem in
    /// JSON, shown raw, for a browser's Accept).
    /// </summary>
    public static async Task WriteThrottledAsync(HttpContext context, TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        if (!ApiProblemDetailsWriter.AnswersAsProblem(context))
        {
            return;
        }

        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                // The framework names a type for the statuses it knows; 429 is not among them, so it is named here.
                Type = "https://www.rfc-editor.org/rfc/rfc6585#section-4",
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many failed sign-ins or API keys from this address.",
                Detail = $"Try again in {seconds} seconds.",
            },
        });
    }

    /// <summary>A partition's limiter: it grants freely and refuses while the guard says the address is blocked.</summary>
    private sealed class GuardLimiter(CredentialGuessingGuard guard, string address) : RateLimiter
    {
        private long lastUsed = System.Diagnostics.Stopwatch.GetTimestamp();

        public override TimeSpan? IdleDuration => System.Diagnostics.Stopwatch.GetElapsedTime(Interlocked.Read(ref lastUsed));

        public override RateLimiterStatistics? GetStatistics() => null;

        protected override RateLimitLease AttemptAcquireCore(int permitCount)
        {
            Interlocked.Exchange(ref lastUsed, System.Diagnostics.Stopwatch.GetTimestamp());
            return guard.IsBlocked(address, out var retryAfter) ? new Lease(false, retryAfter) : new Lease(true, TimeSpan.Zero);
        }

        protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
            ValueTask.FromResult(AttemptAcquireCore(permitCount));
    }

    private sealed class Lease(bool acquired, TimeSpan retryAfter) : RateLimitLease
    {
        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => acquired ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = !acquired && metadataName == MetadataName.RetryAfter.Name ? retryAfter : null;
            return metadata is not null;
        }
    }
}

/// <summary>
/// Makes a sign-in cost the same whether or not the account exists (or is locked): Identity answers an unknown
/// email without hashing anything, 3 ms against 50 ms, which tells a stranger which emails have accounts. Here
/// the same password hash is computed either way.
/// </summary>
public sealed class UnknownAccountTimingShield(IPasswordHasher<Data.AppUser> hasher)
{
    /// <summary>Made once per process (by whichever request needs it first), so later checks cost exactly one verification.</summary>
    private static string? decoyHash;

    /// <summary>Verifies <paramref name="password"/> against a decoy hash (never a match), costing what a real check costs.</summary>
    public void SpendAsMuchAsARealCheck(string password)
    {
        decoyHash ??= hasher.HashPassword(new Data.AppUser(), Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)));
        hasher.VerifyHashedPassword(new Data.AppUser(), decoyHash, password);
    }
}
