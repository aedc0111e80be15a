using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace CeasefireWatch.Web.Infrastructure.Security;

/// <summary>
/// The API accepts the browser's session cookie as well as <c>X-Api-Key</c>. A cookie travels with any request a
/// foreign page makes the browser send, so an unsafe API call (POST, PUT, PATCH, DELETE) authenticated by the
/// cookie must carry the antiforgery token (header <c>RequestVerificationToken</c>, as the pages' forms hold it).
/// Calls with an API key are not affected: no browser adds that header on its own.
/// </summary>
internal sealed class CookieApiAntiforgeryMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, IAntiforgery antiforgery, IProblemDetailsService problems)
    {
        if (SecurityRegistration.IsApi(context.Request)
            && !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method)
            && !HttpMethods.IsOptions(context.Request.Method) && !HttpMethods.IsTrace(context.Request.Method)
            && context.User.Identity is { IsAuthenticated: true, AuthenticationType: var scheme }
            && scheme == IdentityConstants.ApplicationScheme
            && !await IsValidAsync(antiforgery, context))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new ProblemDetails
                {
                    Status = StatusCodes.Status400BadRequest,
                    Title = "The antiforgery token is missing or invalid.",
                    Detail = "A call signed in with the session cookie must send the page's antiforgery token in the RequestVerificationToken header; machine callers send X-Api-Key instead. Nothing was changed.",
                },
            });
            return;
        }

        await next(context);
    }

    /// <summary>
    /// Whether the call carries a valid token. Without the header the token is looked for in the body when that is a
    /// form, and a form that does not read (multipart without its boundary, cut short) throws rather than answering
    /// false: it has no readable token either, so it is refused like any call without one, not with a 500.
    /// </summary>
    private static async Task<bool> IsValidAsync(IAntiforgery antiforgery, HttpContext context)
    {
        try
        {
            return await antiforgery.IsRequestValidAsync(context);
        }
        catch (AntiforgeryValidationException)
        {
            return false;
        }
    }
}
