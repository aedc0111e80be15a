using CeasefireWatch.Web.Features.Accounts;
using CeasefireWatch.Web.Infrastructure;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CeasefireWatch.Web.Pages.Admin;

/// <summary>Accounts: create, change role, disable or enable, reset password. Admins only (folder convention).</summary>
public sealed class UsersModel(IMediator mediator) : PageModel
{
    public IReadOnlyList<ListUsers.UserRow> Users { get; private set; } = [];

    [BindProperty]
    public NewUserForm Create { get; set; } = new();

    [BindProperty]
    public string? UserId { get; set; }

    [BindProperty]
    public string? Role { get; set; }

    [BindProperty]
    public string? NewPassword { get; set; }

    /// <summary>The user whose row failed, to show its message there.</summary>
    public string? FailedUserId { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => Users = await mediator.Send(new ListUsers.Query(), ct);

    public Task<IActionResult> OnPostCreateAsync(CancellationToken ct) =>
        SendAsync(new CreateUser.Command(Create.Email, Create.Password, Create.Role), nameof(Create), $"Account {Create.Email} created.", ct);

    public Task<IActionResult> OnPostRoleAsync(CancellationToken ct) =>
        SendAsync(new SetUserRole.Command(UserId, Role), string.Empty, "Role changed.", ct);

    public Task<IActionResult> OnPostDisableAsync(CancellationToken ct) =>
        SendAsync(new SetUserDisabled.Command(UserId, Disabled: true), string.Empty, "Account disabled; its sessions end within a minute.", ct);

    public Task<IActionResult> OnPostEnableAsync(CancellationToken ct) =>
        SendAsync(new SetUserDisabled.Command(UserId, Disabled: false), string.Empty, "Account enabled.", ct);

    public Task<IActionResult> OnPostPasswordAsync(CancellationToken ct) =>
        SendAsync(new ResetPassword.Command(UserId, NewPassword), string.Empty, "Password reset.", ct);

    private async Task<IActionResult> SendAsync<T>(ICommand<T> command, string prefix, string done, CancellationToken ct)
    {
        try
        {
            await mediator.Send(command, ct);
            TempData["Status"] = done;
            return RedirectToPage();
        }
        catch (ValidationException ex)
        {
            ModelState.AddValidationFailures(ex, prefix);
            FailedUserId = prefix.Length == 0 ? UserId : null;
        }
        catch (NotFoundException)
        {
            return NotFound();
        }

        Users = await mediator.Send(new ListUsers.Query(), ct);
        return Page();
    }

    public sealed class NewUserForm
    {
        public string? Email { get; set; }

        public string? Password { get; set; }

        public string? Role { get; set; } = Infrastructure.Security.Roles.Analyst;
    }
}
