using Mediator;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CeasefireWatch.Web.Pages.Account;

/// <summary>Sign-out is a POST (with its antiforgery token), never a link a third party could trigger.</summary>
public sealed class SignOutModel(IMediator mediator) : PageModel
{
    public IActionResult OnGet() => RedirectToPage("/Index");

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await mediator.Send(new Features.Accounts.SignOut.Command(), ct);
        return RedirectToPage("/Account/SignIn");
    }
}
