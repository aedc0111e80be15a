using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace CeasefireWatch.Web.Infrastructure;

/// <summary>
/// Answers 413 to a request whose declared body is larger than <see cref="MaxBytes"/>, before anything reads it. A page's
/// antiforgery check reads the form first, and a form over its limit made that check fail as a bare 400 ("the request
/// could not be completed"); this filter runs before it, so the status page can say the file is too large.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RefuseOversizedBodyAttribute(long maxBytes) : Attribute, IAuthorizationFilter, IOrderedFilter
{
    public long MaxBytes { get; } = maxBytes;

    /// <summary>Before the antiforgery check (order 1000).</summary>
    public int Order => -1000;

    public void OnAuthorization(AuthorizationFilterContext context)
    {
        if (context.HttpContext.Request.ContentLength > MaxBytes)
        {
            context.Result = new StatusCodeResult(StatusCodes.Status413PayloadTooLarge);
        }
    }
}
