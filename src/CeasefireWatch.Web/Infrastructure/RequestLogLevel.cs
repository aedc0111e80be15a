using Serilog.Events;

namespace CeasefireWatch.Web.Infrastructure;

/// <summary>The level of the one completion line Serilog writes per request.</summary>
internal static class RequestLogLevel
{
    public static LogEventLevel For(HttpContext context, double elapsedMs, Exception? exception) =>
        exception is not null || context.Response.StatusCode >= 500 ? LogEventLevel.Error
        : context.Request.Path.StartsWithSegments("/health") && context.Response.StatusCode == StatusCodes.Status200OK ? LogEventLevel.Verbose
        : LogEventLevel.Information;
}
