using CeasefireWatch.Web.Features.Accounts;
using CeasefireWatch.Web.Infrastructure;
using CeasefireWatch.Web.Infrastructure.Localization;
using CeasefireWatch.Web.Infrastructure.Security;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CeasefireWatch.Web.Pages.Admin;

/// <summary>
/// The accounts: create one, change a role, disable or enable, reset a password. Each form sends one
/// request; success redirects back with a status line, a refusal shows its message by the field (for a
/// row's form, in that row).
/// </summary>
public sealed class UsersModel(IMediator mediator) : PageModel
{
    /// <summary>The ModelState prefix of the disable/enable buttons' messages.</summary>
    public const string Access = nameof(Access);

    public IReadOnlyList<ListUsers.UserRow> Users { get; private set; } = [];

    [BindProperty]
    public CreateForm Create { get; set; } = new();

    [BindProperty]
    public RoleForm ChangeRole { get; set; } = new();

    [BindProperty]
    public PasswordForm Reset { get; set; } = new();

    /// <summary>The user whose row's form failed, so its messages show in that row only.</summary>
    public string? FailedUserId { get; private set; }

    public Task<IActionResult> OnGetAsync(CancellationToken ct) => ShowAsync(ct);

    public Task<IActionResult> OnPostCreateAsync(CancellationToken ct) =>
        SendAsync(new CreateUser.Command(Create.Email, Create.Password, Create.Role), nameof(Create), userId: null,
            created => Text.Format("{0} can now sign in as {1}.", created.Email, created.Role), ct);

    public Task<IActionResult> OnPostRoleAsync(string id, CancellationToken ct) =>
        SendAsync(new SetUserRole.Command(id, ChangeRole.Role), nameof(ChangeRole), id,
            changed => changed.From == changed.To
                ? Text.Format("{0} already is {1}.", changed.Email, changed.To)
                : Text.Format("{0} is now {1} (was {2}). Their open sessions end at once.", changed.Email, changed.To, changed.From), ct);

    public Task<IActionResult> OnPostDisableAsync(string id, CancellationToken ct) =>
        SendAsync(new SetUserDisabled.Command(id, Disabled: true), Access, id,
            result => result.Changed
                ? Text.Format("{0} is disabled: sign-in is refused and open sessions end at once.", result.Email)
                : Text.Format("{0} was already disabled.", result.Email), ct);

    public Task<IActionResult> OnPostEnableAsync(string id, CancellationToken ct) =>
        SendAsync(new SetUserDisabled.Command(id, Disabled: false), Access, id,
            result => result.Changed ? Text.Format("{0} can sign in again.", result.Email) : Text.Format("{0} already could sign in.", result.Email), ct);

    public Task<IActionResult> OnPostResetPasswordAsync(string id, CancellationToken ct) =>
        SendAsync(new ResetPassword.Command(id, Reset.NewPassword), nameof(Reset), id,
            email => Text.Format("Password of {0} reset. Tell them the new one in person or by another channel; their open sessions end at once.", email), ct);

    /// <summary>The messages for <paramref name="prefix"/>'s fields, when <paramref name="userId"/>'s row failed.</summary>
    public IEnumerable<string> RowErrors(string userId, string prefix) =>
        userId != FailedUserId
            ? []
            : ModelState
                .Where(e => e.Key == prefix || e.Key.StartsWith(prefix + ".", StringComparison.Ordinal))
                .SelectMany(e => e.Value!.Errors.Select(x => x.ErrorMessage));

    /// <summary>Whether <paramref name="email"/> is the signed-in administrator's own account.</summary>
    public bool IsSelf(string email) => string.Equals(User.Identity?.Name, email, StringComparison.OrdinalIgnoreCase);

    private async Task<IActionResult> SendAsync<TResponse>(
        ICommand<TResponse> command, string prefix, string? userId, Func<TResponse, string> done, CancellationToken ct)
    {
        try
        {
            var response = await mediator.Send(command, ct);
            TempData["Status"] = done(response);
            return RedirectToPage();
        }
        catch (ValidationException ex)
        {
            ModelState.AddValidationFailures(ex, prefix);
            FailedUserId = userId;
        }

        return await ShowAsync(ct);
    }

    private async Task<IActionResult> ShowAsync(CancellationToken ct)
    {
        Users = await mediator.Send(new ListUsers.Query(), ct);

        return Page();
    }

    public sealed class CreateForm
    {
        public string? Email { get; set; }

        public string? Password { get; set; }

        public string? Role { get; set; } = Roles.Viewer;
    }

    public sealed class RoleForm
    {
        public string? Role { get; set; }
    }

    public sealed class PasswordForm
    {
        public string? NewPassword { get; set; }
    }
}
