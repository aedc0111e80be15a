using System.Globalization;
using CeasefireWatch.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CeasefireWatch.Web.Pages;

/// <summary>
/// The page shown when a request failed. The exception handler re-runs the request here with its own method, so
/// a failed form post arrives as a POST: it must not ask for an antiforgery token (the form's was already
/// checked), or a storage fault would turn into an empty 400. A storage fault reads as what it is, with 503.
/// </summary>
[AllowAnonymous]
[IgnoreAntiforgeryToken]
public sealed class ErrorModel : PageModel
{
    /// <summary>What went wrong with the storage, or null for any other failure.</summary>
    public string? StorageProblem { get; private set; }

    public void OnGet() => Describe();

    public void OnPost() => Describe();

    private void Describe()
    {
        if (HttpContext.Features.Get<IExceptionHandlerFeature>()?.Error is { } error && StorageFailure.Is(error))
        {
            StorageProblem = StorageFailure.Describe(error);
            Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            Response.Headers.RetryAfter = ((int)StorageFailure.RetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        }
    }
}
