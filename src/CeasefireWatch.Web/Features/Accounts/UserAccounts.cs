using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Infrastructure.Security;
using FluentValidation;
using FluentValidation.Results;
using Microsoft.AspNetCore.Identity;

namespace CeasefireWatch.Web.Features.Accounts;

/// <summary>
/// What the user-administration requests share: what "disabled" means, the one role a user holds, the
/// rule that keeps one enabled administrator, and Identity's refusals turned into field messages.
/// </summary>
public static class UserAccounts
{
    public const string LastAdminMessage =
        "This is the last enabled administrator: make another user Admin first, so someone can still administer.";

    /// <summary>
    /// A disabled account is locked out for ever (<see cref="DateTimeOffset.MaxValue"/>); an ordinary
    /// lockout after failed sign-ins lasts minutes. Anything past the year 9000 counts as disabled.
    /// </summary>
    public static bool IsDisabled(DateTimeOffset? lockoutEnd) => lockoutEnd is { Year: >= 9000 };

    /// <summary>Until when a (not disabled) account is locked after failed sign-ins, if it still is.</summary>
    public static DateTime? LockedUntil(DateTimeOffset? lockoutEnd, DateTime now) =>
        lockoutEnd is { } end && !IsDisabled(end) && end.UtcDateTime > now ? end.UtcDateTime : null;

    /// <summary>
    /// The user's role: each user holds exactly one; should the store ever hold several, the one with the
    /// most rights counts, and none reads as "".
    /// </summary>
    public static string RoleOf(IEnumerable<string> roles)
    {
        var held = roles.Select(Roles.Canonical).ToHashSet();
        return Roles.All.LastOrDefault(held.Contains) ?? string.Empty;
    }

    public static async Task<AppUser> FindAsync(UserManager<AppUser> users, string? id) =>
        await users.FindByIdAsync(id ?? string.Empty) ?? throw NotFoundException.User(id);

    /// <summary>Whether <paramref name="user"/> is the only administrator left who can still sign in.</summary>
    public static async Task<bool> IsLastEnabledAdminAsync(UserManager<AppUser> users, AppUser user)
    {
        if (IsDisabled(user.LockoutEnd) || !await users.IsInRoleAsync(user, Roles.Admin))
        {
            return false;
        }

        var admins = await users.GetUsersInRoleAsync(Roles.Admin);
        return !admins.Any(a => a.Id != user.Id && !IsDisabled(a.LockoutEnd));
    }

    /// <summary>Identity's refusal (a weak password, a taken email) as field messages, or nothing when it succeeded.</summary>
    public static void ThrowIfFailed(IdentityResult result, string emailField, string passwordField)
    {
        if (result.Succeeded)
        {
            return;
        }

        var failures = result.Errors
            .Select(e => e.Code switch
            {
                _ when e.Code.StartsWith("Password", StringComparison.Ordinal) => new ValidationFailure(passwordField, e.Description),
                "DuplicateUserName" or "DuplicateEmail" => new ValidationFailure(emailField, "An account with this email already exists."),
                "InvalidUserName" or "InvalidEmail" => new ValidationFailure(
                    emailField, "Enter a valid email address: letters, digits and - . _ @ + only."),
                _ => new ValidationFailure(string.Empty, e.Description),
            })
            .DistinctBy(f => (f.PropertyName, f.ErrorMessage))
            .ToList();
        throw new ValidationException(failures);
    }

    /// <summary>The rule every role field follows: one of the four, in any letter case.</summary>
    public static IRuleBuilderOptions<T, string?> MustBeRole<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(r => Roles.Canonical(r) is not null)
            .WithMessage($"Choose one of the roles: {string.Join(", ", Roles.All)}.");
}
