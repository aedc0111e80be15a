using CeasefireWatch.Web.Features.Dashboard;

namespace CeasefireWatch.Web.Infrastructure.Security;

/// <summary>
/// The live hub answers only pages of this app's own origin. A browser sends the session cookie with a WebSocket
/// handshake from any page of the same site (another port of the same host counts: SameSite ignores ports), and no
/// CORS rule guards a WebSocket, so without this a page elsewhere on the host could read the signed-in person's live
/// feed. A request without an <c>Origin</c> header is not a browser page's and passes (its cookie, if any, is its own).
/// </summary>
internal sealed class HubOriginCheck(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments(LiveHub.Path)
            && context.Request.Headers.Origin is { Count: > 0 } origin
            && !IsOwnOrigin(origin.ToString(), context.Request.Host)
            && !ForwardedHosts(context.Request).Any(host => IsOwnOrigin(origin.ToString(), host)))
        {
            return ApiKeyAuthenticationHandler.WriteProblemAsync(context, context.RequestServices.GetRequiredService<IProblemDetailsService>(),
                StatusCodes.Status403Forbidden, "Not allowed.", "The live updates answer this app's own pages only.");
        }

        return next(context);
    }

    /// <summary>
    /// The public host a proxy says the browser asked for (<c>X-Forwarded-Host</c>), for a proxy that passes the backend's
    /// address as <c>Host</c>. A page's script cannot set this header on a WebSocket handshake, so it cannot lie with it.
    /// </summary>
    private static IEnumerable<HostString> ForwardedHosts(HttpRequest request) =>
        request.Headers["X-Forwarded-Host"].SelectMany(v => (v ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Select(HostString.FromUriComponent);

    /// <summary>
    /// The same host, and the same port: the Host header's when it names one, else a default one (80 or 443). The scheme
    /// is not compared, nor is a default port told from the other, so that behind a proxy ending TLS (the app then sees
    /// http) the app's own pages still pass.
    /// </summary>
    internal static bool IsOwnOrigin(string origin, HostString host) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && string.Equals(uri.Host, host.Host, StringComparison.OrdinalIgnoreCase)
        && (host.Port is { } port ? uri.Port == port : uri.Port is 80 or 443);
}
