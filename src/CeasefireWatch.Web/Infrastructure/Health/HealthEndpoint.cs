using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CeasefireWatch.Web.Infrastructure.Health;

/// <summary>The database must be writable: unhealthy (503) otherwise.</summary>
internal sealed class DatabaseWritableCheck(HealthMonitor monitor) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var reading = await monitor.ReadAsync(cancellationToken);
        return reading.Writable
            ? HealthCheckResult.Healthy("The database can be written.")
            : HealthCheckResult.Unhealthy(reading.StorageProblem);
    }
}

/// <summary>The engine must keep up: degraded (still 200, the app serves) when a due tier has waited too long.</summary>
internal sealed class EngineLagCheck(HealthMonitor monitor) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var reading = await monitor.ReadAsync(cancellationToken);
        var data = new Dictionary<string, object>
        {
            ["lagSeconds"] = Math.Round(reading.EngineLag.TotalSeconds, 3),
            ["maxLagSeconds"] = reading.MaxEngineLag.TotalSeconds,
        };
        if (reading.OldestDueAt is { } due)
        {
            data["oldestDueAt"] = due;
        }

        return reading.EngineBehind
            ? HealthCheckResult.Degraded(
                string.Create(CultureInfo.InvariantCulture, $"The oldest due tier has waited {reading.EngineLag.TotalSeconds:0} s (more than {reading.MaxEngineLag.TotalSeconds:0} s)."),
                data: data)
            : HealthCheckResult.Healthy("The engine is keeping up.", data);
    }
}

/// <summary>
/// PostgreSQL: this instance's clock must agree with the database server's, which every instance sees: degraded (still
/// 200) when they differ by more than <c>Health:MaxClockSkew</c>, since the instance then enters tiers early or late.
/// </summary>
internal sealed class ClockCheck(HealthMonitor monitor) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var reading = await monitor.ReadAsync(cancellationToken);
        if (reading.ClockSkew is not { } skew)
        {
            return HealthCheckResult.Healthy("Not compared (one instance on SQLite, or Health:MaxClockSkew is zero).");
        }

        var data = new Dictionary<string, object>
        {
            ["skewSeconds"] = Math.Round(skew.TotalSeconds, 3),
            ["maxSkewSeconds"] = reading.MaxClockSkew.TotalSeconds,
        };
        return reading.ClockApart
            ? HealthCheckResult.Degraded(
                string.Create(CultureInfo.InvariantCulture,
                    $"This instance's clock is {skew.Duration().TotalSeconds:0.0} s {(skew > TimeSpan.Zero ? "ahead of" : "behind")} the database server's (more than {reading.MaxClockSkew.TotalSeconds:0.#} s): it enters tiers that far {(skew > TimeSpan.Zero ? "early" : "late")}. Synchronise the clocks (NTP)."),
                data: data)
            : HealthCheckResult.Healthy("This instance's clock agrees with the database server's.", data);
    }
}

internal static class HealthEndpoint
{
    public static IServiceCollection AddCeasefireWatchHealth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HealthOptions>().Bind(configuration.GetSection(HealthOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<HealthMonitor>();
        services.AddHealthChecks()
            .AddCheck<DatabaseWritableCheck>("database")
            .AddCheck<EngineLagCheck>("engine")
            .AddCheck<ClockCheck>("clock");
        return services;
    }

    /// <summary>200 when healthy or degraded, 503 when unhealthy; the body says why, and names the engine's lag.</summary>
    public static HealthCheckOptions Options { get; } = new()
    {
        ResponseWriter = WriteAsync,
    };

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        var engine = report.Entries.GetValueOrDefault("engine");
        var body = new
        {
            status = report.Status.ToString(),
            engineLagSeconds = engine.Data?.GetValueOrDefault("lagSeconds"),
            checks = report.Entries.ToDictionary(
                e => e.Key,
                e => new { status = e.Value.Status.ToString(), description = e.Value.Description, data = e.Value.Data.Count == 0 ? null : e.Value.Data }),
        };
        return JsonSerializer.SerializeAsync(context.Response.Body, body, JsonOptions, context.RequestAborted);
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };
}
