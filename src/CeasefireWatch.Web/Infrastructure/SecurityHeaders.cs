namespace CeasefireWatch.Web.Infrastructure;

/// <summary>
/// Security headers on every response: a CSP that allows no inline script or style and no framing,
/// no MIME sniffing, and no referrer leaving the site.
/// </summary>
internal sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>
    /// The API reference page only: Scalar's bundle inserts its stylesheets as &lt;style&gt; elements at run time, so
    /// styles there may be inline. Scripts stay 'self' only, as everywhere.
    /// </summary>
    private static readonly string ApiReferencePolicy = ContentSecurityPolicy.Replace(
        "style-src 'self'", "style-src 'self' 'unsafe-inline'", StringComparison.Ordinal);

    public Task InvokeAsync(HttpContext context)
    {
        // Set as the response starts, not now: the exception handler clears the headers of a response it
        // rewrites (a 404 or 409 problem), and those answers need them as much as any other.
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = context.Request.Path.Equals("/api-reference", StringComparison.OrdinalIgnoreCase)
                ? ApiReferencePolicy
                : ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
            if (context.Request.Path.StartsWithSegments("/api"))
            {
                // API answers (JSON and CSV) carry incident data: no shared or browser cache keeps a copy.
                headers.CacheControl = "no-store";
            }

            return Task.CompletedTask;
        });
        return next(context);
    }
}
