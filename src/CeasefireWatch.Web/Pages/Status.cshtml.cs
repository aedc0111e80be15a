using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CeasefireWatch.Web.Pages;

/// <summary>The page shown for a 403, 404 or other status without a body of its own.</summary>
/// <remarks>Status pages re-run the request with its own method, so a refused POST arrives here as a POST: no antiforgery token is asked for.</remarks>
[AllowAnonymous]
[Microsoft.AspNetCore.Mvc.IgnoreAntiforgeryToken]
public sealed class StatusModel : PageModel
{
    /// <summary>Read when drawn, not by a handler: a request re-run with another method (DELETE, PUT) runs none.</summary>
    public int Code => ReadCode();

    public void OnGet()
    {
    }

    public void OnPost()
    {
    }

    /// <summary>From the route, not model binding: a re-run POST whose form cannot be read must still say its status.</summary>
    private int ReadCode() =>
        int.TryParse(RouteData.Values["code"]?.ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var code)
            ? code
            : Response.StatusCode;
}
