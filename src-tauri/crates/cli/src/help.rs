//! `srview --help` in the reader's language: every command's and option's text comes from the
//! catalogue (`help-<command path>-<option id>`), and so do the headings clap writes.

use clap::{Arg, ArgAction, Command};

use crate::i18n::text;

/// Where the options shared by every command, then help and version, are listed: after a
/// command's own.
const SHARED_OPTIONS_FIRST: usize = 1000;

/// The command tree with its help text taken from the catalogue.
pub fn localized(command: Command) -> Command {
    let version = Arg::new("version")
        .short('V')
        .long("version")
        .action(ArgAction::Version)
        .help(text("help-version", &[]))
        .help_heading(text("help-heading-options", &[]))
        .display_order(SHARED_OPTIONS_FIRST * 3);
    let mut command = localize(command, "srview").disable_version_flag(true).arg(version);
    // `srview help <command>` is made when the tree is built; its line is then relabelled.
    command.build();
    relabel_help_commands(command)
}

fn relabel_help_commands(mut command: Command) -> Command {
    let names: Vec<String> = command.get_subcommands().map(|c| c.get_name().to_owned()).collect();
    for name in names {
        command = if name == "help" {
            command.mut_subcommand(name, |help| help.about(text("help-help-command", &[])))
        } else {
            command.mut_subcommand(name, relabel_help_commands)
        };
    }
    command
}

fn localize(mut command: Command, path: &str) -> Command {
    let options = text("help-heading-options", &[]);
    let arguments = text("help-heading-arguments", &[]);
    let ids: Vec<String> = command.get_arguments().map(|a| a.get_id().to_string()).collect();
    for (order, id) in ids.into_iter().enumerate() {
        let key = format!("help-{path}-{id}");
        command = command.mut_arg(id, |arg| {
            let heading = if arg.is_positional() { arguments.clone() } else { options.clone() };
            let order = if arg.is_global_set() { SHARED_OPTIONS_FIRST + order } else { order };
            let defaults: Vec<String> =
                arg.get_default_values().iter().map(|v| v.to_string_lossy().into_owned()).collect();
            let mut help = text(&key, &[]);
            if !defaults.is_empty() {
                help = format!("{help} [{}: {}]", text("help-default", &[]), defaults.join(", "));
            }
            arg.help(help).long_help(None).hide_default_value(true).help_heading(heading).display_order(order)
        });
    }
    let names: Vec<String> = command.get_subcommands().map(|c| c.get_name().to_owned()).collect();
    for name in names {
        let sub_path = if path == "srview" { name.clone() } else { format!("{path}-{name}") };
        command = command.mut_subcommand(name, |sub| localize(sub, &sub_path));
    }
    let usage = text("help-heading-usage", &[]);
    let help = Arg::new("help")
        .short('h')
        .long("help")
        .action(ArgAction::Help)
        .help(text("help-help", &[]))
        .help_heading(options)
        .display_order(SHARED_OPTIONS_FIRST * 2);
    command
        .about(text(&format!("help-{path}"), &[]))
        .long_about(None)
        .subcommand_help_heading(text("help-heading-commands", &[]))
        .help_template(format!("{{about-with-newline}}\n{usage} {{usage}}\n\n{{all-args}}{{after-help}}"))
        .disable_help_flag(true)
        .arg(help)
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use crate::i18n::{bundle, CATALOGUES};

    fn keys(command: &clap::Command, path: &str, found: &mut Vec<String>) {
        found.push(format!("help-{path}"));
        for arg in command.get_arguments() {
            found.push(format!("help-{path}-{}", arg.get_id()));
        }
        for sub in command.get_subcommands() {
            let sub_path =
                if path == "srview" { sub.get_name().to_owned() } else { format!("{path}-{}", sub.get_name()) };
            keys(sub, &sub_path, found);
        }
    }

    /// Every command and option has its text in English, hence (tested in `i18n`) in every language.
    #[test]
    fn every_command_and_option_has_its_help_in_the_catalogue() {
        let mut found = Vec::new();
        keys(&crate::Cli::command(), "srview", &mut found);
        assert!(found.len() > 40, "{found:?}");
        let english = bundle(CATALOGUES[0].0);
        let missing: Vec<_> = found.iter().filter(|k| !english.has_message(k)).collect();
        assert!(missing.is_empty(), "no help text for {missing:?}");
    }
}
