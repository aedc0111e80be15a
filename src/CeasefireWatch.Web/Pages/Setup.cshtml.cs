using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Features.Accounts;
using CeasefireWatch.Web.Infrastructure;
using CeasefireWatch.Web.Infrastructure.Localization;
using CeasefireWatch.Web.Infrastructure.Security;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CeasefireWatch.Web.Pages;

/// <summary>The one-time setup page: exists only while no user does.</summary>
[AllowAnonymous]
public sealed class SetupModel(IMediator mediator, SetupGate gate, AppDbContext db) : PageModel
{
    [BindProperty]
    public SetupForm Input { get; set; } = new();

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) =>
        await gate.IsOpenAsync(db, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        // Once an account exists the page is gone for a bad form too, not shown again saying none exists. (The handler
        // closes the gate itself, one request at a time: two first administrators racing still make one.)
        if (!await gate.IsOpenAsync(db, ct))
        {
            return NotFound();
        }

        try
        {
            if (await mediator.Send(new CompleteSetup.Command(Input.Email, Input.Password, Input.ConfirmPassword), ct))
            {
                TempData["Status"] = Text.Get("Setup complete. You are signed in as the administrator.");
                return RedirectToPage("/Index");
            }

            return NotFound();
        }
        catch (ValidationException ex)
        {
            ModelState.AddValidationFailures(ex, nameof(Input));
            return Page();
        }
    }

    public sealed class SetupForm
    {
        public string? Email { get; set; }

        public string? Password { get; set; }

        public string? ConfirmPassword { get; set; }
    }
}
