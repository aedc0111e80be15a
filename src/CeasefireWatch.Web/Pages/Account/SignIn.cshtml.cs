using CeasefireWatch.Web.Features.Accounts;
using CeasefireWatch.Web.Infrastructure;
using CeasefireWatch.Web.Infrastructure.Localization;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CeasefireWatch.Web.Pages.Account;

[AllowAnonymous]
public sealed class SignInModel(IMediator mediator) : PageModel
{
    [BindProperty]
    public SignInForm Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        try
        {
            if (await mediator.Send(new SignInWithPassword.Command(Input.Email, Input.Password), ct))
            {
                return LocalRedirect(LocalReturnUrl.Or(Url, ReturnUrl));
            }

            ModelState.AddModelError(string.Empty, Text.Get(SignInWithPassword.Failure));
        }
        catch (ValidationException ex)
        {
            ModelState.AddValidationFailures(ex, nameof(Input));
        }

        return Page();
    }

    public sealed class SignInForm
    {
        public string? Email { get; set; }

        public string? Password { get; set; }
    }
}
