/** Version of the `unified` command. */
export const CLI_VERSION: string = __PACKAGE_VERSION__;
