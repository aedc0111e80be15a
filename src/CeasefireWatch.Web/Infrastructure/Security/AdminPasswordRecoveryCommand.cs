using System.Security.Cryptography;
using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Features.Accounts;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CeasefireWatch.Web.Infrastructure.Security;

/// <summary>
/// <c>reset-admin-password --email EMAIL [--generate]</c>: the console side of <see cref="RecoverAdminPassword"/>. The new
/// password is read from standard input (typed without echo, twice, at a terminal; the first line when piped), or with
/// <c>--generate</c> a random one is made and printed once. It never appears on the command line, where shell history
/// and process lists would keep it. Exit code 0 when set, 1 when refused, 2 for a usage mistake.
/// </summary>
public sealed class AdminPasswordRecoveryCommand
{
    public const string Name = "reset-admin-password";

    private AdminPasswordRecoveryCommand(string? email, bool generate, string[] hostArgs)
    {
        Email = email;
        Generate = generate;
        HostArgs = hostArgs;
    }

    public string? Email { get; }

    public bool Generate { get; }

    /// <summary>The arguments that are not the command's (such as --ConnectionStrings:CeasefireWatch=...), for the host's configuration.</summary>
    public string[] HostArgs { get; }

    /// <summary>The command, when the first argument names it; null for an ordinary start of the web app.</summary>
    public static AdminPasswordRecoveryCommand? Parse(string[] args)
    {
        if (args.Length == 0 || args[0] != Name)
        {
            return null;
        }

        string? email = null;
        var generate = false;
        var rest = new List<string>();
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--email" when i + 1 < args.Length:
                    email = args[++i];
                    break;
                case "--generate":
                    generate = true;
                    break;
                default:
                    if (args[i].StartsWith("--email=", StringComparison.Ordinal))
                    {
                        email = args[i]["--email=".Length..];
                    }
                    else
                    {
                        rest.Add(args[i]);
                    }

                    break;
            }
        }

        return new AdminPasswordRecoveryCommand(email, generate, [.. rest]);
    }

    public async Task<int> RunAsync(IServiceProvider services, TextReader input, TextWriter output, bool interactive, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(Email))
        {
            await output.WriteLineAsync($"Usage: dotnet run --project src/CeasefireWatch.Web -- {Name} --email EMAIL [--generate]");
            await output.WriteLineAsync("The new password is read from standard input; --generate makes one and prints it once.");
            return 2;
        }

        string? password;
        if (Generate)
        {
            // 20 characters from an alphabet without look-alikes: about 100 bits, easy to type once and change.
            password = RandomNumberGenerator.GetString("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 20);
        }
        else if (interactive)
        {
            password = ReadHidden(output, "New password (at least 12 characters, not shown): ");
            if (password != ReadHidden(output, "The same again: "))
            {
                await output.WriteLineAsync("The two passwords differ; nothing was changed.");
                return 1;
            }
        }
        else
        {
            password = await input.ReadLineAsync(ct);
        }

        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        // The same migrations the app applies at start, so the command works on a database the app has not yet upgraded.
        await db.Database.MigrateAsync(ct);
        try
        {
            var email = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new RecoverAdminPassword.Command(Email, password), ct);
            await output.WriteLineAsync($"The password of {email} is set; its open sessions have ended. Recorded in the security log.");
            if (Generate)
            {
                await output.WriteLineAsync($"New password (shown once; sign in and change it): {password}");
            }

            return 0;
        }
        catch (ValidationException ex)
        {
            foreach (var error in ex.Errors)
            {
                await output.WriteLineAsync(error.ErrorMessage);
            }

            await output.WriteLineAsync("Nothing was changed.");
            return 1;
        }
    }

    private static string ReadHidden(TextWriter output, string prompt)
    {
        output.Write(prompt);
        var typed = new System.Text.StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                output.WriteLine();
                return typed.ToString();
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (typed.Length > 0)
                {
                    typed.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                typed.Append(key.KeyChar);
            }
        }
    }
}
